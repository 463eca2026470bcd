package org.jccl.rendezvous;

import java.nio.ByteBuffer;

/** Big-endian encoding of the store's counters. */
final class Codec {
    private Codec() {
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, v).array();
    }

    static long readLong(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }
}
