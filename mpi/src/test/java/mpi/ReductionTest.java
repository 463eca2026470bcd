package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every predefined type with every operation MPI defines on it, through allReduce (in place and
 * not, arrays and direct buffers), reduce and reduceScatterBlock; the expected values are computed
 * here in {@code long} and {@code double} arithmetic, independently of the module's code.
 */
class ReductionTest {
    private static final List<Op> INTEGER_OPS = List.of(MPI.MAX, MPI.MIN, MPI.SUM, MPI.PROD, MPI.LAND, MPI.BAND,
            MPI.LOR, MPI.BOR, MPI.LXOR, MPI.BXOR);
    private static final List<Op> FLOAT_OPS = List.of(MPI.MAX, MPI.MIN, MPI.SUM, MPI.PROD);
    private static final List<Op> LOGICAL_OPS = List.of(MPI.LAND, MPI.LOR, MPI.LXOR);
    private static final List<Datatype> TYPES = List.of(MPI.BYTE, MPI.CHAR, MPI.SHORT, MPI.BOOLEAN, MPI.INT, MPI.LONG,
            MPI.FLOAT, MPI.DOUBLE);
    private static final int COUNT = 5;

    private static List<Op> opsFor(Datatype t) {
        return t == MPI.BOOLEAN ? LOGICAL_OPS : t == MPI.FLOAT || t == MPI.DOUBLE ? FLOAT_OPS : INTEGER_OPS;
    }

    /** Rank r's element i: small, so that products stay exact; zero now and then, for the logical ops. */
    private static long contribution(int rank, int i) {
        return (rank * 3 + i * 7) % 4;
    }

    private static double expected(Op op, Datatype t, int ranks, int i) {
        long acc = contribution(0, i);
        double facc = contribution(0, i);
        for (int r = 1; r < ranks; r++) {
            long x = contribution(r, i);
            if (t == MPI.BOOLEAN) {
                x = x != 0 ? 1 : 0;
                acc = acc != 0 ? 1 : 0;
            }
            acc = switch (op.toString()) {
                case "MPI_MAX" -> Math.max(acc, x);
                case "MPI_MIN" -> Math.min(acc, x);
                case "MPI_SUM" -> acc + x;
                case "MPI_PROD" -> acc * x;
                case "MPI_LAND" -> acc != 0 && x != 0 ? 1 : 0;
                case "MPI_LOR" -> acc != 0 || x != 0 ? 1 : 0;
                case "MPI_LXOR" -> (acc != 0) != (x != 0) ? 1 : 0;
                case "MPI_BAND" -> acc & x;
                case "MPI_BOR" -> acc | x;
                default -> acc ^ x;
            };
            facc = switch (op.toString()) {
                case "MPI_MAX" -> Math.max(facc, x);
                case "MPI_MIN" -> Math.min(facc, x);
                case "MPI_SUM" -> facc + x;
                default -> facc * x;
            };
        }
        if (t == MPI.BOOLEAN && ranks == 1) {
            acc = acc != 0 ? 1 : 0;
        }
        return t == MPI.FLOAT || t == MPI.DOUBLE ? facc : acc;
    }

    private static Object array(Datatype t, int rank, int count) {
        Object a = java.lang.reflect.Array.newInstance(t.basic().arrayClass.getComponentType(), count);
        for (int i = 0; i < count; i++) {
            set(a, i, rank < 0 ? 0 : contribution(rank, i));
        }
        return a;
    }

    private static void set(Object a, int i, long v) {
        if (a instanceof byte[] b) {
            b[i] = (byte) v;
        } else if (a instanceof char[] c) {
            c[i] = (char) v;
        } else if (a instanceof short[] x) {
            x[i] = (short) v;
        } else if (a instanceof boolean[] z) {
            z[i] = v != 0;
        } else if (a instanceof int[] x) {
            x[i] = (int) v;
        } else if (a instanceof long[] x) {
            x[i] = v;
        } else if (a instanceof float[] x) {
            x[i] = v;
        } else {
            ((double[]) a)[i] = v;
        }
    }

    private static double get(Object a, int i) {
        if (a instanceof boolean[] z) {
            return z[i] ? 1 : 0;
        } else if (a instanceof char[] c) {
            return c[i];
        }
        return ((Number) java.lang.reflect.Array.get(a, i)).doubleValue();
    }

    /** A direct buffer of the type's own kind holding {@code array}. */
    private static Buffer direct(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        if (array instanceof byte[] b) {
            return MPI.newByteBuffer(n).put(0, b);
        } else if (array instanceof char[] c) {
            return MPI.newCharBuffer(n).put(0, c);
        } else if (array instanceof short[] x) {
            return MPI.newShortBuffer(n).put(0, x);
        } else if (array instanceof boolean[] z) {
            ByteBuffer bb = MPI.newByteBuffer(n);
            for (int i = 0; i < n; i++) {
                bb.put(i, (byte) (z[i] ? 1 : 0));
            }
            return bb;
        } else if (array instanceof int[] x) {
            return MPI.newIntBuffer(n).put(0, x);
        } else if (array instanceof long[] x) {
            return MPI.newLongBuffer(n).put(0, x);
        } else if (array instanceof float[] x) {
            return MPI.newFloatBuffer(n).put(0, x);
        }
        return MPI.newDoubleBuffer(n).put(0, (double[]) array);
    }

    private static double getBuffer(Buffer b, int i) {
        if (b instanceof ByteBuffer x) {
            return x.get(i);
        } else if (b instanceof CharBuffer x) {
            return x.get(i);
        } else if (b instanceof ShortBuffer x) {
            return x.get(i);
        } else if (b instanceof IntBuffer x) {
            return x.get(i);
        } else if (b instanceof LongBuffer x) {
            return x.get(i);
        } else if (b instanceof FloatBuffer x) {
            return x.get(i);
        }
        return ((DoubleBuffer) b).get(i);
    }

    /** scan and exScan, in place and not: rank r's prefix is the reduction of ranks 0 to r (to r - 1). */
    private static void prefixes(Intracomm w, Datatype t, Op op, String what) throws MPIException {
        int me = w.getRank();
        Object inclusive = array(t, -1, COUNT);
        w.scan(array(t, me, COUNT), inclusive, COUNT, t, op);
        Object inclusiveInPlace = array(t, me, COUNT);
        w.scan(inclusiveInPlace, COUNT, t, op);
        Buffer exclusive = direct(array(t, -1, COUNT));
        w.exScan(direct(array(t, me, COUNT)), exclusive, COUNT, t, op);
        Object exclusiveInPlace = array(t, me, COUNT);
        w.exScan(exclusiveInPlace, COUNT, t, op);
        for (int i = 0; i < COUNT; i++) {
            assertEquals(expected(op, t, me + 1, i), get(inclusive, i), what + ", scan, element " + i);
            assertEquals(expected(op, t, me + 1, i), get(inclusiveInPlace, i), what + ", scan in place, element " + i);
            if (me > 0) {
                assertEquals(expected(op, t, me, i), getBuffer(exclusive, i), what + ", exScan, element " + i);
                assertEquals(expected(op, t, me, i), get(exclusiveInPlace, i), what + ", exScan in place, element " + i);
            } else {
                assertEquals(0, getBuffer(exclusive, i), what + ", exScan leaves rank 0's buffer alone");
                assertEquals(get(array(t, 0, COUNT), i), get(exclusiveInPlace, i), what + ", exScan in place at rank 0");
            }
        }
    }

    /** reduceScatter with uneven counts, some zero: rank r receives its elements of the whole reduction. */
    private static void unevenParts(Intracomm w, Datatype t, Op op, String what) throws MPIException {
        int me = w.getRank();
        int n = w.getSize();
        int[] counts = new int[n];
        int total = 0;
        int before = 0;
        for (int r = 0; r < n; r++) {
            counts[r] = (r + 2) % 3;
            before += r < me ? counts[r] : 0;
            total += counts[r];
        }
        Object part = array(t, -1, counts[me]);
        w.reduceScatter(array(t, me, total), part, counts, t, op);
        Object inPlace = array(t, me, total);
        w.reduceScatter(inPlace, counts, t, op);
        for (int k = 0; k < counts[me]; k++) {
            assertEquals(expected(op, t, n, before + k), get(part, k), what + ", reduceScatter, element " + k);
            assertEquals(expected(op, t, n, before + k), get(inPlace, k), what + ", reduceScatter in place, element " + k);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void everyTypeWithEveryOperation(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            for (Datatype t : TYPES) {
                for (Op op : opsFor(t)) {
                    String what = op + " on " + t + " over " + ranks + " ranks";
                    Object send = array(t, me, COUNT);
                    Object recv = array(t, -1, COUNT);
                    w.allReduce(send, recv, COUNT, t, op);
                    Object inPlace = array(t, me, COUNT);
                    w.allReduce(inPlace, COUNT, t, op);
                    Buffer directSend = direct(array(t, me, COUNT));
                    Buffer directRecv = direct(array(t, -1, COUNT));
                    w.allReduce(directSend, directRecv, COUNT, t, op);
                    Object atRoot = array(t, -1, COUNT);
                    w.reduce(array(t, me, COUNT), atRoot, COUNT, t, op, ranks - 1);
                    Object block = array(t, -1, 1);
                    w.reduceScatterBlock(array(t, me, ranks), block, 1, t, op);
                    for (int i = 0; i < COUNT; i++) {
                        double want = expected(op, t, ranks, i);
                        assertEquals(want, get(recv, i), what + ", element " + i);
                        assertEquals(want, get(inPlace, i), what + " in place, element " + i);
                        assertEquals(want, getBuffer(directRecv, i), what + " on direct buffers, element " + i);
                        if (me == ranks - 1) {
                            assertEquals(want, get(atRoot, i), what + ", reduce at the root, element " + i);
                        }
                    }
                    assertEquals(expected(op, t, ranks, me), get(block, 0), what + ", reduceScatterBlock");
                    prefixes(w, t, op, what);
                    unevenParts(w, t, op, what);
                }
            }
        });
    }
}
