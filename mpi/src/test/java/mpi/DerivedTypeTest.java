package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Derived datatypes: vectors, indexed blocks and structs in arrays, direct buffers and byte
 * buffers, through point-to-point calls, collectives and reductions; their sizes and bounds; their
 * misuse.
 */
class DerivedTypeTest {
    private static void refused(int errorClass, String words, Executable call) {
        MPIException e = assertThrows(MPIException.class, call);
        assertEquals(errorClass, e.getErrorClass(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp"})
    void aColumnOfAMatrixTravelsAsAVector(String transport) {
        CommTest.onRanks(2, transport, w -> {
            Datatype column = Datatype.createVector(4, 1, 4, MPI.INT);
            column.commit();
            assertEquals(4, column.getSize());
            assertEquals(13, column.getExtent());
            IntBuffer matrix = MPI.newIntBuffer(16);
            int[] heap = new int[16];
            if (w.getRank() == 0) {
                for (int i = 0; i < 16; i++) {
                    matrix.put(i, i);
                    heap[i] = 100 + i;
                }
                w.send(matrix, 1, column, 1, 0); // column 0: 0, 4, 8, 12
                w.send(MPI.slice(matrix, 1), 1, column, 1, 1); // column 1
                w.send(heap, 1, column, 1, 2); // from an array: 100, 104, 108, 112
                w.send(MPI.slice(heap, 3), 1, column, 1, 3); // from the array's column 3
            } else {
                for (int i = 0; i < 16; i++) {
                    matrix.put(i, -1);
                    heap[i] = -1;
                }
                Status s = w.recv(MPI.slice(matrix, 2), 1, column, 0, 0); // lands in column 2
                assertEquals(1, s.getCount(column));
                assertEquals(4, s.getCount(MPI.INT));
                int[] packed = new int[4];
                w.recv(packed, 4, MPI.INT, 0, 1); // a vector matches four ints
                assertArrayEquals(new int[] {1, 5, 9, 13}, packed);
                w.recv(heap, 1, column, 0, 2);
                w.recv(MPI.slice(heap, 1), 1, column, 0, 3); // into the array's column 1
                for (int i = 0; i < 16; i++) {
                    assertEquals(i % 4 == 2 ? i - 2 : -1, matrix.get(i), "element " + i);
                    assertEquals(i % 4 == 0 ? 100 + i : i % 4 == 1 ? 100 + i + 2 : -1, heap[i], "array element " + i);
                }
            }
            column.free();
            refused(MPI.ERR_TYPE, "is freed", () -> w.send(heap, 1, column, 0, 0));
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void collectivesAndReductionsOnIndexedAndStructTypes(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int n = w.getSize();
            // two blocks of doubles in a direct buffer: elements 0-1 and 5; 3, 4 stay as they were
            Datatype picked = Datatype.createIndexed(new int[] {2, 1}, new int[] {0, 5}, MPI.DOUBLE);
            picked.commit();
            assertEquals(3, picked.getSize());
            assertEquals(6, picked.getExtent());
            DoubleBuffer d = MPI.newDoubleBuffer(12);
            for (int i = 0; i < 12; i++) {
                d.put(i, me == 0 ? i : -1);
            }
            w.bcast(d, 2, picked, 0);
            double[] expected = {0, 1, -1, -1, -1, 5, 6, 7, -1, -1, -1, 11};
            for (int i = 0; i < 12; i++) {
                assertEquals(me == 0 ? i : expected[i], d.get(i), "double " + i);
            }
            // a sum over the indexed type is a sum of its doubles, which jccl does itself
            DoubleBuffer sum = MPI.newDoubleBuffer(6);
            for (int i = 0; i < 6; i++) {
                sum.put(i, me + i);
            }
            w.allReduce(sum, 1, picked, MPI.SUM);
            int ranksSum = n * (n - 1) / 2;
            assertEquals(ranksSum, sum.get(0));
            assertEquals(ranksSum + n, sum.get(1));
            assertEquals(me + 2, sum.get(2), "a gap is left alone");
            assertEquals(ranksSum + 5 * n, sum.get(5));

            // a struct {int rank; double value;} at offsets 0 and 8, gathered into byte arrays
            Datatype pair = Datatype.createStruct(new int[] {1, 1}, new int[] {0, 8}, new Datatype[] {MPI.INT, MPI.DOUBLE});
            pair.commit();
            assertEquals(12, pair.getSize());
            assertEquals(16, pair.getExtent());
            ByteBuffer mine = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(0, me).putDouble(8, me * 1.5);
            byte[] all = new byte[16 * n];
            w.allGather(mine, 1, pair, all, 1, pair);
            ByteBuffer view = ByteBuffer.wrap(all).order(ByteOrder.nativeOrder());
            for (int r = 0; r < n; r++) {
                assertEquals(r, view.getInt(16 * r));
                assertEquals(r * 1.5, view.getDouble(16 * r + 8));
            }
            // a user operation on the struct sees it laid out as declared
            Op add = new Op(new UserFunction() {
                @Override
                public void call(ByteBuffer in, ByteBuffer inOut, int count, Datatype type) {
                    for (int i = 0; i < count; i++) {
                        inOut.putInt(16 * i, inOut.getInt(16 * i) + in.getInt(16 * i));
                        inOut.putDouble(16 * i + 8, inOut.getDouble(16 * i + 8) + in.getDouble(16 * i + 8));
                    }
                }
            }, true);
            ByteBuffer total = MPI.newByteBuffer(16);
            w.allReduce(mine, total, 1, pair, add);
            assertEquals(ranksSum, total.getInt(0));
            assertEquals(ranksSum * 1.5, total.getDouble(8));

            Datatype uncommitted = Datatype.createContiguous(2, MPI.INT);
            refused(MPI.ERR_TYPE, "not committed", () -> w.bcast(new int[2], 1, uncommitted, 0));
            refused(MPI.ERR_TYPE, "does not hold", () -> w.bcast(new int[4], 1, pair, 0));
            refused(MPI.ERR_COUNT, "more than the 80 bytes", () -> w.bcast(MPI.newDoubleBuffer(10), 2, picked, 0));
            refused(MPI.ERR_TYPE, "take predefined types", () -> w.iBcast(d, 1, picked, 0));
            refused(MPI.ERR_TYPE, "take predefined types", () -> w.iRecv(d, 1, picked, 0, 0));
            refused(MPI.ERR_OP, "is not defined on struct", () -> w.allReduce(mine, total, 1, pair, MPI.SUM));
            refused(MPI.ERR_TYPE, "cannot be freed", MPI.DOUBLE::free);
        });
    }

    /** A struct the program declares: an id, padding, then a position. */
    static final class Particle extends Struct {
        private final int id = addInt();
        private final int position = setOffset(8).addDouble(3);

        @Override
        protected Data newData() {
            return new Data();
        }

        /** One particle where it lies. */
        final class Data extends Struct.Data {
            int id() {
                return getInt(id);
            }

            double position(int axis) {
                return getDouble(position + 8 * axis);
            }

            void set(int newId, double x, double y, double z) {
                putInt(id, newId);
                putDouble(position, x);
                putDouble(position + 8, y);
                putDouble(position + 16, z);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aStructTheProgramDeclaresTravelsWithItsType(int ranks) {
        CommTest.onRanks(ranks, "tcp", w -> {
            int me = w.getRank();
            int n = w.getSize();
            Particle particle = new Particle();
            assertEquals(32, particle.getExtent());
            assertEquals(28, particle.getType().getSize());
            ByteBuffer mine = MPI.newByteBuffer(32);
            Particle.Data p = particle.getData(mine);
            p.set(me, me, 2.0 * me, -me);
            ByteBuffer all = MPI.newByteBuffer(32 * n);
            w.allGather(mine, 1, particle.getType(), all, 1, particle.getType());
            for (int r = 0; r < n; r++) {
                Particle.Data q = particle.getData(all, r);
                assertEquals(r, q.id());
                assertEquals(2.0 * r, q.position(1));
                assertEquals(-r, q.position(2));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void resizedVectorsScatterTheColumnsOfAMatrix(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int n = w.getSize();
            // one column of an n x n matrix, resized to one element so that column j starts at element j
            Datatype column = Datatype.createResized(Datatype.createVector(n, 1, n, MPI.LONG), 0, 1);
            column.commit();
            assertEquals(1, column.getExtent());
            assertEquals(n * (n - 1) + 1, column.getTrueExtent());
            long[] matrix = new long[n * n];
            for (int i = 0; i < n * n; i++) {
                matrix[i] = i;
            }
            long[] mine = new long[n];
            w.scatter(matrix, 1, column, mine, n, MPI.LONG, 0);
            for (int k = 0; k < n; k++) {
                assertEquals((long) k * n + w.getRank(), mine[k], "row " + k + " of column " + w.getRank());
            }
        });
    }
}
