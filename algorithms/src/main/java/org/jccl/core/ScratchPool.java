package org.jccl.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct scratch buffers an algorithm borrows for one collective, kept across calls so steady
 * state allocates nothing. Each slot grows to the largest size asked of it. Slots are numbered
 * by purpose so that one algorithm never hands the same memory out twice.
 */
public final class ScratchPool {
    /** First of the two chunk buffers for receive-then-reduce pipelines. */
    public static final int CHUNK_A = 0;
    /** Second chunk buffer. */
    public static final int CHUNK_B = 1;
    /** A whole-message working buffer. */
    public static final int WORK_A = 2;
    /** A second whole-message working buffer. */
    public static final int WORK_B = 3;
    /** Staging for reordering blocks (gather/scatter about a non-zero root, in-place all-to-all). */
    public static final int STAGING = 4;

    private final ByteBuffer[] slots = new ByteBuffer[5];

    /**
     * A window of {@code bytes} bytes at offset 0 of slot {@code slot}, in byte order {@code order}.
     * It is the slot's one buffer object, reset on every call (a small collective then allocates no
     * view): hold it for one use of the slot only.
     */
    public ByteBuffer get(int slot, int bytes, ByteOrder order) {
        ByteBuffer b = slots[slot];
        if (b == null || b.capacity() < bytes) {
            int cap = Math.max(bytes, b == null ? 0 : (int) Math.min(Integer.MAX_VALUE - 8, 2L * b.capacity()));
            b = ByteBuffer.allocateDirect(cap);
            slots[slot] = b;
        }
        return b.clear().limit(bytes).order(order);
    }

    /** Drops every buffer (on close). */
    public void release() {
        java.util.Arrays.fill(slots, null);
    }
}
