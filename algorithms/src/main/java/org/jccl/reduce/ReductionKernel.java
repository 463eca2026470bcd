package org.jccl.reduce;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * Element-wise reductions over buffer windows: {@code dst[i] = dst[i] op src[i]} for the elements of
 * {@code dst}'s window, reading {@code src} from its position. Elements are read and written in each
 * buffer's own byte order. The fixed-width types go through per-thread arrays a chunk at a time,
 * with one loop per (width, op) and the op chosen outside it, so the JIT vectorizes each loop. Integer arithmetic wraps; FLOAT16/BFLOAT16 are computed in float
 * and rounded back to nearest even. AVG reduces as SUM; {@link #divide} finishes it.
 */
public final class ReductionKernel {
    private ReductionKernel() {
    }

    /** Reduces {@code src} into {@code dst} element-wise. */
    public static void reduce(ByteBuffer dst, ByteBuffer src, DataType type, ReduceOp op) {
        ReduceOp o = op == ReduceOp.AVG ? ReduceOp.SUM : op;
        int n = dst.remaining() / type.size();
        int d = dst.position();
        int s = src.position();
        switch (type) {
            case INT8, UINT8 -> bytes(dst, d, src, s, n, o, type.isUnsigned());
            case INT32, UINT32 -> ints(dst, d, src, s, n, o, type.isUnsigned());
            case INT64, UINT64 -> longs(dst, d, src, s, n, o, type.isUnsigned());
            case FLOAT32 -> floats(dst, d, src, s, n, o);
            case FLOAT64 -> doubles(dst, d, src, s, n, o);
            case FLOAT16, BFLOAT16 -> halves(dst, d, src, s, n, o, type == DataType.FLOAT16);
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    /** Divides every element of {@code buf}'s window by {@code divisor} (the end of AVG). */
    public static void divide(ByteBuffer buf, DataType type, int divisor) {
        int n = buf.remaining() / type.size();
        int p = buf.position();
        switch (type) {
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    buf.put(p + i, (byte) (buf.get(p + i) / divisor));
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    buf.put(p + i, (byte) ((buf.get(p + i) & 0xff) / divisor));
                }
            }
            case INT32, UINT32 -> {
                boolean u = type.isUnsigned();
                for (int i = 0, x = p; i < n; i++, x += 4) {
                    int v = buf.getInt(x);
                    buf.putInt(x, u ? Integer.divideUnsigned(v, divisor) : v / divisor);
                }
            }
            case INT64, UINT64 -> {
                boolean u = type.isUnsigned();
                for (int i = 0, x = p; i < n; i++, x += 8) {
                    long v = buf.getLong(x);
                    buf.putLong(x, u ? Long.divideUnsigned(v, divisor) : v / divisor);
                }
            }
            case FLOAT32 -> {
                for (int i = 0, x = p; i < n; i++, x += 4) {
                    buf.putFloat(x, buf.getFloat(x) / divisor);
                }
            }
            case FLOAT64 -> {
                for (int i = 0, x = p; i < n; i++, x += 8) {
                    buf.putDouble(x, buf.getDouble(x) / divisor);
                }
            }
            case FLOAT16 -> {
                for (int i = 0, x = p; i < n; i++, x += 2) {
                    buf.putShort(x, HalfFloats.floatToFp16(HalfFloats.fp16ToFloat(buf.getShort(x)) / divisor));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0, x = p; i < n; i++, x += 2) {
                    buf.putShort(x, HalfFloats.floatToBf16(HalfFloats.bf16ToFloat(buf.getShort(x)) / divisor));
                }
            }
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    /** Elements per pass: two arrays of this many stay in the core's cache. */
    private static final int CHUNK = 2048;
    /**
     * Elements up to which a reduction reads and writes its windows an element at a time: below
     * that, typed views of the windows cost more than their bulk copies save, and they are four
     * objects per call on a collective's hot path.
     */
    private static final int SHORT = 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Per-thread arrays the windows are copied through: a bulk copy between a buffer and an array
     * honours the byte order at memory speed, and a plain loop over two arrays is one the JIT
     * turns into SIMD instructions, which a loop of buffer reads and writes never becomes.
     */
    private static final class Scratch {
        final byte[] bytesA = new byte[CHUNK];
        final byte[] bytesB = new byte[CHUNK];
        final int[] intsA = new int[CHUNK];
        final int[] intsB = new int[CHUNK];
        final long[] longsA = new long[CHUNK];
        final long[] longsB = new long[CHUNK];
        final float[] floatsA = new float[CHUNK];
        final float[] floatsB = new float[CHUNK];
        final double[] doublesA = new double[CHUNK];
        final double[] doublesB = new double[CHUNK];
    }

    private static ByteBuffer window(ByteBuffer b, int at, int bytes) {
        return b.slice(at, bytes).order(b.order());
    }

    private static void bytes(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean unsigned) {
        Scratch t = SCRATCH.get();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            dst.get(d + i, t.bytesA, 0, len);
            src.get(s + i, t.bytesB, 0, len);
            bytes(t.bytesA, t.bytesB, len, op, unsigned);
            dst.put(d + i, t.bytesA, 0, len);
        }
    }

    private static void bytes(byte[] a, byte[] b, int len, ReduceOp op, boolean unsigned) {
        switch (op) {
            case SUM -> {
                for (int k = 0; k < len; k++) {
                    a[k] = (byte) (a[k] + b[k]);
                }
            }
            case PROD -> {
                for (int k = 0; k < len; k++) {
                    a[k] = (byte) (a[k] * b[k]);
                }
            }
            case MIN -> {
                if (unsigned) {
                    for (int k = 0; k < len; k++) {
                        a[k] = (a[k] & 0xff) <= (b[k] & 0xff) ? a[k] : b[k];
                    }
                } else {
                    for (int k = 0; k < len; k++) {
                        a[k] = a[k] <= b[k] ? a[k] : b[k];
                    }
                }
            }
            case MAX -> {
                if (unsigned) {
                    for (int k = 0; k < len; k++) {
                        a[k] = (a[k] & 0xff) >= (b[k] & 0xff) ? a[k] : b[k];
                    }
                } else {
                    for (int k = 0; k < len; k++) {
                        a[k] = a[k] >= b[k] ? a[k] : b[k];
                    }
                }
            }
            case BAND -> {
                for (int k = 0; k < len; k++) {
                    a[k] &= b[k];
                }
            }
            case BOR -> {
                for (int k = 0; k < len; k++) {
                    a[k] |= b[k];
                }
            }
            case BXOR -> {
                for (int k = 0; k < len; k++) {
                    a[k] ^= b[k];
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static void ints(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean unsigned) {
        Scratch t = SCRATCH.get();
        if (n <= SHORT) {
            for (int k = 0; k < n; k++) {
                t.intsA[k] = dst.getInt(d + 4 * k);
                t.intsB[k] = src.getInt(s + 4 * k);
            }
            ints(t.intsA, t.intsB, n, op, unsigned);
            for (int k = 0; k < n; k++) {
                dst.putInt(d + 4 * k, t.intsA[k]);
            }
            return;
        }
        IntBuffer x = window(dst, d, 4 * n).asIntBuffer();
        IntBuffer y = window(src, s, 4 * n).asIntBuffer();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            x.get(i, t.intsA, 0, len);
            y.get(i, t.intsB, 0, len);
            ints(t.intsA, t.intsB, len, op, unsigned);
            x.put(i, t.intsA, 0, len);
        }
    }

    private static void ints(int[] a, int[] b, int len, ReduceOp op, boolean unsigned) {
        int bias = unsigned ? Integer.MIN_VALUE : 0;
        switch (op) {
            case SUM -> {
                for (int k = 0; k < len; k++) {
                    a[k] += b[k];
                }
            }
            case PROD -> {
                for (int k = 0; k < len; k++) {
                    a[k] *= b[k];
                }
            }
            case MIN -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.min(a[k] ^ bias, b[k] ^ bias) ^ bias;
                }
            }
            case MAX -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.max(a[k] ^ bias, b[k] ^ bias) ^ bias;
                }
            }
            case BAND -> {
                for (int k = 0; k < len; k++) {
                    a[k] &= b[k];
                }
            }
            case BOR -> {
                for (int k = 0; k < len; k++) {
                    a[k] |= b[k];
                }
            }
            case BXOR -> {
                for (int k = 0; k < len; k++) {
                    a[k] ^= b[k];
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static void longs(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean unsigned) {
        Scratch t = SCRATCH.get();
        if (n <= SHORT) {
            for (int k = 0; k < n; k++) {
                t.longsA[k] = dst.getLong(d + 8 * k);
                t.longsB[k] = src.getLong(s + 8 * k);
            }
            longs(t.longsA, t.longsB, n, op, unsigned);
            for (int k = 0; k < n; k++) {
                dst.putLong(d + 8 * k, t.longsA[k]);
            }
            return;
        }
        LongBuffer x = window(dst, d, 8 * n).asLongBuffer();
        LongBuffer y = window(src, s, 8 * n).asLongBuffer();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            x.get(i, t.longsA, 0, len);
            y.get(i, t.longsB, 0, len);
            longs(t.longsA, t.longsB, len, op, unsigned);
            x.put(i, t.longsA, 0, len);
        }
    }

    private static void longs(long[] a, long[] b, int len, ReduceOp op, boolean unsigned) {
        long bias = unsigned ? Long.MIN_VALUE : 0;
        switch (op) {
            case SUM -> {
                for (int k = 0; k < len; k++) {
                    a[k] += b[k];
                }
            }
            case PROD -> {
                for (int k = 0; k < len; k++) {
                    a[k] *= b[k];
                }
            }
            case MIN -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.min(a[k] ^ bias, b[k] ^ bias) ^ bias;
                }
            }
            case MAX -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.max(a[k] ^ bias, b[k] ^ bias) ^ bias;
                }
            }
            case BAND -> {
                for (int k = 0; k < len; k++) {
                    a[k] &= b[k];
                }
            }
            case BOR -> {
                for (int k = 0; k < len; k++) {
                    a[k] |= b[k];
                }
            }
            case BXOR -> {
                for (int k = 0; k < len; k++) {
                    a[k] ^= b[k];
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static void floats(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op) {
        Scratch t = SCRATCH.get();
        if (n <= SHORT) {
            for (int k = 0; k < n; k++) {
                t.floatsA[k] = dst.getFloat(d + 4 * k);
                t.floatsB[k] = src.getFloat(s + 4 * k);
            }
            floats(t.floatsA, t.floatsB, n, op);
            for (int k = 0; k < n; k++) {
                dst.putFloat(d + 4 * k, t.floatsA[k]);
            }
            return;
        }
        FloatBuffer x = window(dst, d, 4 * n).asFloatBuffer();
        FloatBuffer y = window(src, s, 4 * n).asFloatBuffer();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            x.get(i, t.floatsA, 0, len);
            y.get(i, t.floatsB, 0, len);
            floats(t.floatsA, t.floatsB, len, op);
            x.put(i, t.floatsA, 0, len);
        }
    }

    private static void floats(float[] a, float[] b, int len, ReduceOp op) {
        switch (op) {
            case SUM -> {
                for (int k = 0; k < len; k++) {
                    a[k] += b[k];
                }
            }
            case PROD -> {
                for (int k = 0; k < len; k++) {
                    a[k] *= b[k];
                }
            }
            case MIN -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.min(a[k], b[k]);
                }
            }
            case MAX -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.max(a[k], b[k]);
                }
            }
            default -> throw new IllegalArgumentException(op + " on a float type");
        }
    }

    private static void doubles(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op) {
        Scratch t = SCRATCH.get();
        if (n <= SHORT) {
            for (int k = 0; k < n; k++) {
                t.doublesA[k] = dst.getDouble(d + 8 * k);
                t.doublesB[k] = src.getDouble(s + 8 * k);
            }
            doubles(t.doublesA, t.doublesB, n, op);
            for (int k = 0; k < n; k++) {
                dst.putDouble(d + 8 * k, t.doublesA[k]);
            }
            return;
        }
        DoubleBuffer x = window(dst, d, 8 * n).asDoubleBuffer();
        DoubleBuffer y = window(src, s, 8 * n).asDoubleBuffer();
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            x.get(i, t.doublesA, 0, len);
            y.get(i, t.doublesB, 0, len);
            doubles(t.doublesA, t.doublesB, len, op);
            x.put(i, t.doublesA, 0, len);
        }
    }

    private static void doubles(double[] a, double[] b, int len, ReduceOp op) {
        switch (op) {
            case SUM -> {
                for (int k = 0; k < len; k++) {
                    a[k] += b[k];
                }
            }
            case PROD -> {
                for (int k = 0; k < len; k++) {
                    a[k] *= b[k];
                }
            }
            case MIN -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.min(a[k], b[k]);
                }
            }
            case MAX -> {
                for (int k = 0; k < len; k++) {
                    a[k] = Math.max(a[k], b[k]);
                }
            }
            default -> throw new IllegalArgumentException(op + " on a float type");
        }
    }

    private static void halves(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean fp16) {
        int end = d + 2 * n;
        for (int x = d, y = s; x < end; x += 2, y += 2) {
            float a = fp16 ? HalfFloats.fp16ToFloat(dst.getShort(x)) : HalfFloats.bf16ToFloat(dst.getShort(x));
            float b = fp16 ? HalfFloats.fp16ToFloat(src.getShort(y)) : HalfFloats.bf16ToFloat(src.getShort(y));
            float r = switch (op) {
                case SUM -> a + b;
                case PROD -> a * b;
                case MIN -> Math.min(a, b);
                case MAX -> Math.max(a, b);
                default -> throw new IllegalArgumentException(op + " on a float type");
            };
            dst.putShort(x, fp16 ? HalfFloats.floatToFp16(r) : HalfFloats.floatToBf16(r));
        }
    }
}
