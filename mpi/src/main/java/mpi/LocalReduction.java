package mpi;

import java.nio.ByteBuffer;

/**
 * Element-wise reduction in this JVM, for what jccl does not reduce itself: the logical operations
 * and the types it has no kernel for ({@code SHORT}, {@code CHAR}, {@code BOOLEAN}). Integers go
 * through {@code long} and floating point through {@code double}, then back to the element's width,
 * which gives each Java type's own wrap-around.
 */
final class LocalReduction {
    private LocalReduction() {
    }

    /** {@code inout[i] = in[i] op inout[i]} for {@code count} elements. */
    static void apply(Op op, Datatype type, ByteBuffer in, ByteBuffer inout, int count) throws MPIException {
        Datatype.Basic b = type.basic();
        boolean floating = b == Datatype.Basic.FLOAT || b == Datatype.Basic.DOUBLE;
        Op.Code code = op.code();
        if (floating && code != Op.Code.SUM && code != Op.Code.PROD && code != Op.Code.MAX && code != Op.Code.MIN) {
            throw new MPIException(MPI.ERR_OP, op + " is not defined on " + type, null);
        }
        if (b == Datatype.Basic.BOOLEAN && code != Op.Code.LAND && code != Op.Code.LOR && code != Op.Code.LXOR) {
            throw new MPIException(MPI.ERR_OP, op + " is not defined on " + type + " (only MPI_LAND, MPI_LOR, MPI_LXOR)", null);
        }
        for (int i = 0; i < count; i++) {
            if (floating) {
                double x = b == Datatype.Basic.FLOAT ? in.getFloat(i * 4) : in.getDouble(i * 8);
                double y = b == Datatype.Basic.FLOAT ? inout.getFloat(i * 4) : inout.getDouble(i * 8);
                double r = switch (code) {
                    case SUM -> x + y;
                    case PROD -> x * y;
                    case MAX -> Math.max(x, y);
                    default -> Math.min(x, y);
                };
                if (b == Datatype.Basic.FLOAT) {
                    inout.putFloat(i * 4, (float) r);
                } else {
                    inout.putDouble(i * 8, r);
                }
            } else {
                put(inout, b, i, integer(code, get(in, b, i), get(inout, b, i)));
            }
        }
    }

    private static long integer(Op.Code code, long x, long y) {
        return switch (code) {
            case SUM -> x + y;
            case PROD -> x * y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case LAND -> x != 0 && y != 0 ? 1 : 0;
            case LOR -> x != 0 || y != 0 ? 1 : 0;
            case LXOR -> (x != 0) != (y != 0) ? 1 : 0;
            case BAND -> x & y;
            case BOR -> x | y;
            case BXOR -> x ^ y;
        };
    }

    private static long get(ByteBuffer buf, Datatype.Basic b, int i) {
        return switch (b) {
            case BYTE, BOOLEAN -> buf.get(i);
            case CHAR -> buf.getChar(i * 2);
            case SHORT -> buf.getShort(i * 2);
            case INT -> buf.getInt(i * 4);
            default -> buf.getLong(i * 8);
        };
    }

    private static void put(ByteBuffer buf, Datatype.Basic b, int i, long v) {
        switch (b) {
            case BYTE, BOOLEAN -> buf.put(i, (byte) v);
            case CHAR -> buf.putChar(i * 2, (char) v);
            case SHORT -> buf.putShort(i * 2, (short) v);
            case INT -> buf.putInt(i * 4, (int) v);
            default -> buf.putLong(i * 8, v);
        }
    }
}
