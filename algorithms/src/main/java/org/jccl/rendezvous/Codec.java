package org.jccl.rendezvous;

import java.nio.ByteBuffer;

/** Big-endian encoding of the store's counters and of the values a GET_ALL returns. */
final class Codec {
    private Codec() {
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, v).array();
    }

    static long readLong(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    static byte[] intBytes(int v) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(0, v).array();
    }

    static int readInt(byte[] b) {
        return ByteBuffer.wrap(b).getInt();
    }

    /** Values one after another, each behind its length. */
    static byte[] packAll(byte[][] values) {
        int bytes = 0;
        for (byte[] v : values) {
            bytes += Integer.BYTES + v.length;
        }
        ByteBuffer b = ByteBuffer.allocate(bytes);
        for (byte[] v : values) {
            b.putInt(v.length).put(v);
        }
        return b.array();
    }

    /**
     * The {@code count} values {@link #packAll} packed.
     *
     * @throws IllegalArgumentException when the bytes do not hold that many
     */
    static byte[][] unpackAll(byte[] packed, int count) {
        ByteBuffer b = ByteBuffer.wrap(packed);
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            int n = b.remaining() >= Integer.BYTES ? b.getInt() : -1;
            if (n < 0 || n > b.remaining()) {
                throw new IllegalArgumentException("value " + i + " of " + count + " is cut short");
            }
            values[i] = new byte[n];
            b.get(values[i]);
        }
        return values;
    }
}
