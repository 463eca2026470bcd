package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Operations the program writes: through arrays or through buffers, commutative or not (then the
 * result keeps rank order), in every reduction and its non-blocking twin.
 */
class UserOpTest {
    /** A sum written over int arrays: the array form of the call. */
    private static final class ArraySum extends UserFunction {
        @Override
        public void call(Object inVec, Object inOutVec, int count, Datatype datatype) {
            int[] in = (int[]) inVec;
            int[] inOut = (int[]) inOutVec;
            for (int i = 0; i < count; i++) {
                inOut[i] += in[i];
            }
        }
    }

    /** {@code a op b = a} when {@code left}, else {@code b}: associative, not commutative; written over buffers. */
    private static final class Projection extends UserFunction {
        private final boolean left;

        Projection(boolean left) {
            this.left = left;
        }

        @Override
        public void call(ByteBuffer in, ByteBuffer inOut, int count, Datatype datatype) {
            if (left) {
                for (int i = 0; i < count; i++) {
                    inOut.putDouble(i * 8, in.getDouble(i * 8));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void userOperationsReduceInRankOrder(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int n = w.getSize();
            Op sum = new Op(new ArraySum(), true);
            assertTrue(sum.isCommute());
            int[] mine = {me, 10 * me, 7};
            int[] viaUser = new int[3];
            int[] viaPredefined = new int[3];
            w.allReduce(mine, viaUser, 3, MPI.INT, sum);
            w.allReduce(mine, viaPredefined, 3, MPI.INT, MPI.SUM);
            assertArrayEquals(viaPredefined, viaUser);

            Op first = new Op(new Projection(true), false);
            Op last = new Op(new Projection(false), false);
            assertFalse(first.isCommute());
            double[] value = {me + 0.5, -me};
            double[] out = new double[2];
            w.allReduce(value, out, 2, MPI.DOUBLE, first);
            assertArrayEquals(new double[] {0.5, 0}, out, "a op b = a over all ranks is rank 0's");
            w.allReduce(value, out, 2, MPI.DOUBLE, last);
            assertArrayEquals(new double[] {n - 0.5, -(n - 1)}, out, "a op b = b over all ranks is the last rank's");
            w.reduce(value, out, 2, MPI.DOUBLE, last, 0);
            if (me == 0) {
                assertEquals(n - 0.5, out[0]);
            }
            w.scan(value, out, 2, MPI.DOUBLE, last);
            assertEquals(me + 0.5, out[0], "the prefix up to this rank ends with this rank");
            w.scan(value, out, 2, MPI.DOUBLE, first);
            assertEquals(0.5, out[0]);
            double[] block = new double[1];
            double[] all = new double[n];
            for (int i = 0; i < n; i++) {
                all[i] = 100 * me + i;
            }
            w.reduceScatterBlock(all, block, 1, MPI.DOUBLE, last);
            assertEquals(100 * (n - 1) + me, block[0]);

            DoubleBuffer d = MPI.newDoubleBuffer(2).put(0, me + 0.5).put(1, -me);
            w.iAllReduce(d, 2, MPI.DOUBLE, last).waitFor();
            assertEquals(n - 0.5, d.get(0));

            sum.free();
            assertTrue(sum.isNull());
            MPIException freed = assertThrows(MPIException.class, () -> w.allReduce(mine, viaUser, 3, MPI.INT, sum));
            assertEquals(MPI.ERR_OP, freed.getErrorClass());
            if (n > 1) { // one rank folds nothing, so the function is never called
                MPIException neither = assertThrows(MPIException.class,
                        () -> w.allReduce(mine, viaUser, 3, MPI.INT, new Op(new UserFunction() { }, true)));
                assertTrue(neither.getMessage().contains("overrides neither"), neither.getMessage());
            }
        });
    }
}
