package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
        if (op.function() != null && type.derived()) {
            // the program's function sees the elements laid out as the type says, as in Open MPI
            TypeMap map = type.map();
            ByteBuffer a = ByteBuffer.allocate((int) map.span(count)).order(ByteOrder.nativeOrder());
            ByteBuffer b = ByteBuffer.allocate(a.capacity()).order(ByteOrder.nativeOrder());
            map.unpack(in, count, a);
            map.unpack(inout, count, b);
            op.function().call(a, b, count, type);
            map.pack(b, count, inout);
            return;
        }
        if (op.function() != null) {
            op.function().call(in.duplicate().order(ByteOrder.nativeOrder()), inout, count, type);
            return;
        }
        if (type.derived()) {
            int n = type.basicsPerElement();
            if (n == 0) {
                throw new MPIException(MPI.ERR_OP, op + " is not defined on " + type
                        + " (a struct reduces with an operation the program writes only)", null);
            }
            apply(op, Datatype.of(type.basic()), in, inout, count * n);
            return;
        }
        if (type.complex()) {
            complex(op, type, in, inout, count);
            return;
        }
        Op.Code loc = op.code();
        if (type.pairValue() != null || loc == Op.Code.MINLOC || loc == Op.Code.MAXLOC) {
            pairs(op, type, in, inout, count);
            return;
        }
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

    /** Sums and products of complex numbers, each a real part then an imaginary part. */
    private static void complex(Op op, Datatype type, ByteBuffer in, ByteBuffer inout, int count) throws MPIException {
        Datatype part = Datatype.of(type.basic());
        if (op.code() == Op.Code.SUM) {
            apply(op, part, in, inout, 2 * count);
            return;
        }
        boolean single = type.basic() == Datatype.Basic.FLOAT;
        int w = type.basic().bytes;
        for (int i = 0; i < count; i++) {
            int at = 2 * i * w;
            double a = real(in, type.basic(), at);
            double b = real(in, type.basic(), at + w);
            double c = real(inout, type.basic(), at);
            double d = real(inout, type.basic(), at + w);
            double re = a * c - b * d;
            double im = a * d + b * c;
            if (single) {
                inout.putFloat(at, (float) re).putFloat(at + w, (float) im);
            } else {
                inout.putDouble(at, re).putDouble(at + w, im);
            }
        }
    }

    /** MINLOC and MAXLOC: the better value wins, and the lower index among equal values. */
    private static void pairs(Op op, Datatype type, ByteBuffer in, ByteBuffer inout, int count) throws MPIException {
        Datatype.Basic v = type.pairValue();
        boolean max = op.code() == Op.Code.MAXLOC;
        if (v == null || !max && op.code() != Op.Code.MINLOC) {
            throw new MPIException(MPI.ERR_OP, op + " is not defined on " + type
                    + (v == null ? " (MINLOC and MAXLOC take pair types such as MPI.DOUBLE_INT)" : ""), null);
        }
        int size = type.baseSize();
        int index = type.pairIndexOffset();
        boolean floating = v == Datatype.Basic.FLOAT || v == Datatype.Basic.DOUBLE;
        for (int i = 0; i < count; i++) {
            int at = i * size;
            int c = floating ? Double.compare(real(in, v, at), real(inout, v, at))
                    : Long.compare(integer(in, v, at), integer(inout, v, at));
            int theirs = in.getInt(at + index);
            int mine = inout.getInt(at + index);
            boolean better = max ? c > 0 : c < 0;
            if (better || c == 0 && theirs < mine) {
                inout.put(at, in, at, size);
            }
        }
    }

    private static double real(ByteBuffer buf, Datatype.Basic b, int at) {
        return b == Datatype.Basic.FLOAT ? buf.getFloat(at) : buf.getDouble(at);
    }

    private static long integer(ByteBuffer buf, Datatype.Basic b, int at) {
        return b == Datatype.Basic.SHORT ? buf.getShort(at) : b == Datatype.Basic.INT ? buf.getInt(at) : buf.getLong(at);
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
            case MINLOC, MAXLOC, USER -> throw new IllegalStateException(code + " does not reduce element by element");
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
