package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Direct buffers that stand in for heap send and receive buffers, reused by size class; worker
 * thread only.
 */
final class StagingPool {
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();

    ByteBuffer take(int bytes) {
        int cls = 32 - Integer.numberOfLeadingZeros(Math.max(1, bytes) - 1);
        ArrayDeque<ByteBuffer> q = free.get(cls);
        ByteBuffer b = q == null ? null : q.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(cls > 30 ? bytes : 1 << cls);
        }
        return b.clear().limit(bytes);
    }

    void release(ByteBuffer b) {
        if (b.capacity() == 0) {
            return;
        }
        // filed under floor(log2(capacity)): every buffer of class k holds at least 2^k bytes
        int cls = 31 - Integer.numberOfLeadingZeros(Math.max(1, b.capacity()));
        free.computeIfAbsent(cls, c -> new ArrayDeque<>()).add(b);
    }

    void clear() {
        free.clear();
    }
}
