package org.jccl.core;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/** Sub-windows of buffers that keep the byte order ({@link ByteBuffer#slice} resets it). */
public final class Windows {
    /**
     * A window of no bytes, which nothing moves or writes (shared). Direct like the buffers a
     * collective usually moves, so that the transport's hot path, compiled while it saw only
     * direct buffers, is not thrown out by the first empty message (a deoptimisation whose
     * recompilation takes a core from the ranks for a while).
     */
    public static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private Windows() {
    }

    /** The bytes {@code [offset, offset + length)} of {@code b}'s window as a new zero-based buffer. */
    public static ByteBuffer of(ByteBuffer b, int offset, int length) {
        return b.slice(b.position() + offset, length).order(b.order());
    }

    /** {@code b}'s whole window as a new zero-based buffer. */
    public static ByteBuffer of(ByteBuffer b) {
        return b.slice(b.position(), b.remaining()).order(b.order());
    }

    /** Copies {@code src}'s window into {@code dst} at its position; neither buffer's position moves. */
    public static void copy(ByteBuffer src, ByteBuffer dst) {
        if (dst.remaining() < src.remaining()) {
            throw new BufferOverflowException();
        }
        dst.put(dst.position(), src, src.position(), src.remaining());
    }
}
