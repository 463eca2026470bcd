package org.jccl.perf;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.reduce.HalfFloats;

/**
 * Values for {@code --check}: element i of rank r is a small integer, exact in every type, so the
 * expected result of SUM over ranks is exact too.
 */
final class CheckData {
    private CheckData() {
    }

    static long value(int rank, int i) {
        return (rank * 7L + i) % 11;
    }

    static void put(ByteBuffer b, int index, DataType t, long v) {
        int at = b.position() + index * t.size();
        switch (t) {
            case INT8, UINT8 -> b.put(at, (byte) v);
            case INT32, UINT32 -> b.putInt(at, (int) v);
            case INT64, UINT64 -> b.putLong(at, v);
            case FLOAT16 -> b.putShort(at, HalfFloats.floatToFp16(v));
            case BFLOAT16 -> b.putShort(at, HalfFloats.floatToBf16(v));
            case FLOAT32 -> b.putFloat(at, v);
            case FLOAT64 -> b.putDouble(at, v);
            default -> throw new IllegalArgumentException(t.toString());
        }
    }

    static long get(ByteBuffer b, int index, DataType t) {
        int at = b.position() + index * t.size();
        return switch (t) {
            case INT8 -> b.get(at);
            case UINT8 -> b.get(at) & 0xff;
            case INT32 -> b.getInt(at);
            case UINT32 -> b.getInt(at) & 0xffffffffL;
            case INT64, UINT64 -> b.getLong(at);
            case FLOAT16 -> (long) HalfFloats.fp16ToFloat(b.getShort(at));
            case BFLOAT16 -> (long) HalfFloats.bf16ToFloat(b.getShort(at));
            case FLOAT32 -> (long) b.getFloat(at);
            case FLOAT64 -> (long) b.getDouble(at);
            default -> throw new IllegalArgumentException(t.toString());
        };
    }
}
