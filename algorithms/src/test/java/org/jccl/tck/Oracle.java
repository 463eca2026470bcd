package org.jccl.tck;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.reduce.HalfFloats;

/**
 * Test inputs and expected results, computed independently of the reduction kernel: integers in
 * long arithmetic truncated to the type's width, floats in double from values chosen so that every
 * partial sum and product is exact (so any reduction order gives the same bits).
 */
public final class Oracle {
    private static final double[] PROD_VALUES = {-2, -1, -0.5, 0.5, 1, 2};

    private Oracle() {
    }

    static long mix(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /** The bits of element {@code i} of {@code rank}'s input. */
    public static long input(DataType t, ReduceOp op, int rank, int i, int salt) {
        long h = mix(((long) salt << 40) ^ ((long) rank << 32) ^ i);
        return switch (t) {
            case INT8, UINT8, INT32, UINT32, INT64, UINT64 -> truncate(t, h);
            default -> encode(t, op == ReduceOp.PROD ? PROD_VALUES[(int) Math.floorMod(h, 6L)] : Math.floorMod(h, 17L) - 8);
        };
    }

    /** {@code a op b} on element bits (AVG reduces as SUM; see {@link #average}). */
    public static long reduce(DataType t, ReduceOp op, long a, long b) {
        if (!t.isInteger()) {
            double x = decode(t, a);
            double y = decode(t, b);
            double r = switch (op) {
                case SUM, AVG -> x + y;
                case PROD -> x * y;
                case MIN -> Math.min(x, y);
                case MAX -> Math.max(x, y);
                default -> throw new IllegalArgumentException(op.toString());
            };
            return encode(t, r);
        }
        long x = widen(t, a);
        long y = widen(t, b);
        long r = switch (op) {
            case SUM, AVG -> x + y;
            case PROD -> x * y;
            case MIN -> t.isUnsigned() ? (Long.compareUnsigned(x, y) <= 0 ? x : y) : Math.min(x, y);
            case MAX -> t.isUnsigned() ? (Long.compareUnsigned(x, y) >= 0 ? x : y) : Math.max(x, y);
            case BAND -> x & y;
            case BOR -> x | y;
            case BXOR -> x ^ y;
        };
        return truncate(t, r);
    }

    /** The final AVG step: the sum divided by the rank count, rounded as the type does. */
    public static long average(DataType t, long sum, int ranks) {
        return switch (t) {
            case FLOAT32 -> Integer.toUnsignedLong(Float.floatToRawIntBits(Float.intBitsToFloat((int) sum) / ranks));
            case FLOAT64 -> Double.doubleToRawLongBits(Double.longBitsToDouble(sum) / ranks);
            case FLOAT16 -> HalfFloats.floatToFp16(HalfFloats.fp16ToFloat((short) sum) / ranks) & 0xffffL;
            case BFLOAT16 -> HalfFloats.floatToBf16(HalfFloats.bf16ToFloat((short) sum) / ranks) & 0xffffL;
            default -> truncate(t, t.isUnsigned() ? Long.divideUnsigned(widen(t, sum), ranks) : widen(t, sum) / ranks);
        };
    }

    /** Writes element bits at byte {@code index} (absolute) in {@code b}'s order. */
    public static void write(ByteBuffer b, int index, DataType t, long bits) {
        switch (t.size()) {
            case 1 -> b.put(index, (byte) bits);
            case 2 -> b.putShort(index, (short) bits);
            case 4 -> b.putInt(index, (int) bits);
            default -> b.putLong(index, bits);
        }
    }

    /** Reads element bits at byte {@code index} (absolute) in {@code b}'s order, zero-extended. */
    public static long read(ByteBuffer b, int index, DataType t) {
        return switch (t.size()) {
            case 1 -> b.get(index) & 0xffL;
            case 2 -> b.getShort(index) & 0xffffL;
            case 4 -> b.getInt(index) & 0xffffffffL;
            default -> b.getLong(index);
        };
    }

    private static long truncate(DataType t, long v) {
        return switch (t.size()) {
            case 1 -> v & 0xffL;
            case 4 -> v & 0xffffffffL;
            default -> v;
        };
    }

    private static long widen(DataType t, long bits) {
        if (t.isUnsigned()) {
            return bits;
        }
        return switch (t.size()) {
            case 1 -> (byte) bits;
            case 4 -> (int) bits;
            default -> bits;
        };
    }

    private static long encode(DataType t, double v) {
        return switch (t) {
            case FLOAT32 -> Integer.toUnsignedLong(Float.floatToRawIntBits((float) v));
            case FLOAT64 -> Double.doubleToRawLongBits(v);
            case FLOAT16 -> HalfFloats.floatToFp16((float) v) & 0xffffL;
            case BFLOAT16 -> HalfFloats.floatToBf16((float) v) & 0xffffL;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static double decode(DataType t, long bits) {
        return switch (t) {
            case FLOAT32 -> Float.intBitsToFloat((int) bits);
            case FLOAT64 -> Double.longBitsToDouble(bits);
            case FLOAT16 -> HalfFloats.fp16ToFloat((short) bits);
            case BFLOAT16 -> HalfFloats.bf16ToFloat((short) bits);
            default -> throw new IllegalArgumentException(t.toString());
        };
    }
}
