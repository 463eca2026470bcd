package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.openucx.jucx.UcxUtils;

/**
 * Direct buffers that stand in for heap send and receive buffers and carry check-word trailers,
 * reused by size class, each with its address read once (reading it is a call into JUCX's native
 * code); worker thread only.
 */
final class StagingPool {
    /** A pooled direct buffer and its address. */
    static final class Slot {
        final ByteBuffer buffer;
        final long address;

        private Slot(ByteBuffer buffer) {
            this.buffer = buffer;
            this.address = UcxUtils.getAddress(buffer);
        }
    }

    private final Map<Integer, ArrayDeque<Slot>> free = new HashMap<>();

    /** A slot of at least {@code bytes}, its buffer cleared and limited to them. */
    Slot take(int bytes) {
        int cls = 32 - Integer.numberOfLeadingZeros(Math.max(1, bytes) - 1);
        ArrayDeque<Slot> q = free.get(cls);
        Slot s = q == null ? null : q.poll();
        if (s == null) {
            s = new Slot(ByteBuffer.allocateDirect(cls > 30 ? bytes : 1 << cls));
        }
        s.buffer.clear().limit(bytes);
        return s;
    }

    void release(Slot s) {
        if (s.buffer.capacity() == 0) {
            return;
        }
        // filed under floor(log2(capacity)): every buffer of class k holds at least 2^k bytes
        int cls = 31 - Integer.numberOfLeadingZeros(Math.max(1, s.buffer.capacity()));
        free.computeIfAbsent(cls, c -> new ArrayDeque<>()).add(s);
    }

    void clear() {
        free.clear();
    }
}
