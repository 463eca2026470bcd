package org.jccl.reduce;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * Element-wise reductions over buffer windows: {@code dst[i] = dst[i] op src[i]} for the elements of
 * {@code dst}'s window, reading {@code src} from its position. Elements are read and written in each
 * buffer's own byte order. One loop per (width, op), with the op chosen outside the loop, so the JIT
 * compiles each to a tight loop. Integer arithmetic wraps; FLOAT16/BFLOAT16 are computed in float
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

    private static void bytes(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean unsigned) {
        switch (op) {
            case SUM -> {
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (dst.get(d + i) + src.get(s + i)));
                }
            }
            case PROD -> {
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (dst.get(d + i) * src.get(s + i)));
                }
            }
            case MIN -> {
                int bias = unsigned ? 0x80 : 0;
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (Math.min((byte) (dst.get(d + i) ^ bias), (byte) (src.get(s + i) ^ bias)) ^ bias));
                }
            }
            case MAX -> {
                int bias = unsigned ? 0x80 : 0;
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (Math.max((byte) (dst.get(d + i) ^ bias), (byte) (src.get(s + i) ^ bias)) ^ bias));
                }
            }
            case BAND -> {
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (dst.get(d + i) & src.get(s + i)));
                }
            }
            case BOR -> {
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (dst.get(d + i) | src.get(s + i)));
                }
            }
            case BXOR -> {
                for (int i = 0; i < n; i++) {
                    dst.put(d + i, (byte) (dst.get(d + i) ^ src.get(s + i)));
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static void ints(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean unsigned) {
        int end = d + 4 * n;
        switch (op) {
            case SUM -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, dst.getInt(x) + src.getInt(y));
                }
            }
            case PROD -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, dst.getInt(x) * src.getInt(y));
                }
            }
            case MIN -> {
                int bias = unsigned ? Integer.MIN_VALUE : 0;
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, Math.min(dst.getInt(x) ^ bias, src.getInt(y) ^ bias) ^ bias);
                }
            }
            case MAX -> {
                int bias = unsigned ? Integer.MIN_VALUE : 0;
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, Math.max(dst.getInt(x) ^ bias, src.getInt(y) ^ bias) ^ bias);
                }
            }
            case BAND -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, dst.getInt(x) & src.getInt(y));
                }
            }
            case BOR -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, dst.getInt(x) | src.getInt(y));
                }
            }
            case BXOR -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putInt(x, dst.getInt(x) ^ src.getInt(y));
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static void longs(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op, boolean unsigned) {
        int end = d + 8 * n;
        switch (op) {
            case SUM -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, dst.getLong(x) + src.getLong(y));
                }
            }
            case PROD -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, dst.getLong(x) * src.getLong(y));
                }
            }
            case MIN -> {
                long bias = unsigned ? Long.MIN_VALUE : 0;
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, Math.min(dst.getLong(x) ^ bias, src.getLong(y) ^ bias) ^ bias);
                }
            }
            case MAX -> {
                long bias = unsigned ? Long.MIN_VALUE : 0;
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, Math.max(dst.getLong(x) ^ bias, src.getLong(y) ^ bias) ^ bias);
                }
            }
            case BAND -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, dst.getLong(x) & src.getLong(y));
                }
            }
            case BOR -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, dst.getLong(x) | src.getLong(y));
                }
            }
            case BXOR -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putLong(x, dst.getLong(x) ^ src.getLong(y));
                }
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    private static void floats(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op) {
        int end = d + 4 * n;
        switch (op) {
            case SUM -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putFloat(x, dst.getFloat(x) + src.getFloat(y));
                }
            }
            case PROD -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putFloat(x, dst.getFloat(x) * src.getFloat(y));
                }
            }
            case MIN -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putFloat(x, Math.min(dst.getFloat(x), src.getFloat(y)));
                }
            }
            case MAX -> {
                for (int x = d, y = s; x < end; x += 4, y += 4) {
                    dst.putFloat(x, Math.max(dst.getFloat(x), src.getFloat(y)));
                }
            }
            default -> throw new IllegalArgumentException(op + " on a float type");
        }
    }

    private static void doubles(ByteBuffer dst, int d, ByteBuffer src, int s, int n, ReduceOp op) {
        int end = d + 8 * n;
        switch (op) {
            case SUM -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putDouble(x, dst.getDouble(x) + src.getDouble(y));
                }
            }
            case PROD -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putDouble(x, dst.getDouble(x) * src.getDouble(y));
                }
            }
            case MIN -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putDouble(x, Math.min(dst.getDouble(x), src.getDouble(y)));
                }
            }
            case MAX -> {
                for (int x = d, y = s; x < end; x += 8, y += 8) {
                    dst.putDouble(x, Math.max(dst.getDouble(x), src.getDouble(y)));
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
