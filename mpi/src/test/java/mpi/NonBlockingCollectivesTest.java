package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.IntBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every non-blocking collective gives what its blocking twin gives, at 1 to 5 ranks, in place and
 * not, with a reduction jccl does itself (SUM) and one this module folds (LAND); several are in
 * flight at once and complete through the array calls.
 */
class NonBlockingCollectivesTest {
    private static IntBuffer ints(int n, int seed) {
        IntBuffer b = MPI.newIntBuffer(n);
        for (int i = 0; i < n; i++) {
            b.put(i, seed * 100 + i % 7);
        }
        return b;
    }

    private static void assertSame(int[] expected, IntBuffer actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.get(i), what + ": element " + i);
        }
    }

    private static int[] array(IntBuffer b) {
        int[] a = new int[b.capacity()];
        b.get(0, a);
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void eachGivesWhatItsBlockingTwinGives(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int n = w.getSize();
            int count = 5;
            int root = n - 1;
            for (Op op : new Op[] {MPI.SUM, MPI.LAND}) {
                IntBuffer send = ints(count * n, me + 1);
                int[] sendArray = array(send);

                int[] allReduced = new int[count];
                w.allReduce(sendArray, allReduced, count, MPI.INT, op);
                IntBuffer ar = MPI.newIntBuffer(count);
                IntBuffer arInPlace = ints(count, me + 1);
                int[] reduced = new int[count];
                w.reduce(sendArray, reduced, count, MPI.INT, op, root);
                IntBuffer red = MPI.newIntBuffer(count);
                IntBuffer redInPlace = ints(count, me + 1);
                int[] scanned = new int[count];
                w.scan(sendArray, scanned, count, MPI.INT, op);
                IntBuffer sc = MPI.newIntBuffer(count);
                int[] exScanned = array(ints(count, 0));
                w.exScan(sendArray, exScanned, count, MPI.INT, op);
                IntBuffer ex = ints(count, 0);
                int[] block = new int[count];
                w.reduceScatterBlock(sendArray, block, count, MPI.INT, op);
                IntBuffer rsb = MPI.newIntBuffer(count);
                IntBuffer rsbInPlace = ints(count * n, me + 1);

                Request[] started = {
                    w.iAllReduce(send, ar, count, MPI.INT, op),
                    w.iAllReduce(arInPlace, count, MPI.INT, op),
                    w.iReduce(send, red, count, MPI.INT, op, root),
                    w.iReduce(redInPlace, count, MPI.INT, op, root),
                    w.iScan(send, sc, count, MPI.INT, op),
                    w.iExScan(send, ex, count, MPI.INT, op),
                    w.iReduceScatterBlock(send, rsb, count, MPI.INT, op),
                    w.iReduceScatterBlock(rsbInPlace, count, MPI.INT, op),
                };
                Request.waitAll(started);
                assertSame(allReduced, ar, "iAllReduce " + op);
                assertSame(allReduced, arInPlace, "in-place iAllReduce " + op);
                if (me == root) {
                    assertSame(reduced, red, "iReduce " + op);
                    assertSame(reduced, redInPlace, "in-place iReduce " + op);
                }
                assertSame(scanned, sc, "iScan " + op);
                assertSame(exScanned, ex, "iExScan " + op);
                assertSame(block, rsb, "iReduceScatterBlock " + op);
                assertSame(block, rsbInPlace, "in-place iReduceScatterBlock " + op);
            }

            IntBuffer mine = ints(count, me + 1);
            int[] gathered = new int[count * n];
            w.allGather(array(mine), count, MPI.INT, gathered, count, MPI.INT);
            IntBuffer ag = MPI.newIntBuffer(count * n);
            IntBuffer agInPlace = MPI.newIntBuffer(count * n);
            agInPlace.put(me * count, array(mine));
            IntBuffer g = MPI.newIntBuffer(count * n);
            IntBuffer gInPlace = MPI.newIntBuffer(count * n);
            gInPlace.put(me * count, array(mine));
            IntBuffer bc = me == root ? ints(count, 9) : MPI.newIntBuffer(count);
            IntBuffer all = ints(count * n, me + 1);
            int[] exchanged = new int[count * n];
            w.allToAll(array(all), count, MPI.INT, exchanged, count, MPI.INT);
            IntBuffer a2a = MPI.newIntBuffer(count * n);
            IntBuffer scatterFrom = ints(count * n, 3);
            IntBuffer sct = MPI.newIntBuffer(count);
            IntBuffer sctInPlace = me == root ? ints(count * n, 3) : MPI.newIntBuffer(count);
            Request[] started = {
                w.iBarrier(),
                w.iAllGather(mine, count, MPI.INT, ag, count, MPI.INT),
                w.iAllGather(agInPlace, count, MPI.INT),
                w.iGather(mine, count, MPI.INT, g, count, MPI.INT, root),
                me == root ? w.iGather(gInPlace, count, MPI.INT, root) : w.iGather(mine, count, MPI.INT, root),
                w.iBcast(bc, count, MPI.INT, root),
                w.iAllToAll(all, count, MPI.INT, a2a, count, MPI.INT),
                w.iScatter(scatterFrom, count, MPI.INT, sct, count, MPI.INT, root),
                w.iScatter(sctInPlace, count, MPI.INT, root),
            };
            while (!Request.testAll(started)) {
                Thread.onSpinWait();
            }
            assertSame(gathered, ag, "iAllGather");
            assertSame(gathered, agInPlace, "in-place iAllGather");
            if (me == root) {
                assertSame(gathered, g, "iGather");
                assertSame(gathered, gInPlace, "in-place iGather");
            }
            assertSame(array(ints(count, 9)), bc, "iBcast");
            assertSame(exchanged, a2a, "iAllToAll");
            int[] myBlock = new int[count];
            ints(count * n, 3).get(me * count, myBlock);
            assertSame(myBlock, sct, "iScatter");
            if (me == root) {
                assertSame(myBlock, sctInPlace.slice(me * count, count), "in-place iScatter keeps the root's block");
            } else {
                assertSame(myBlock, sctInPlace, "in-place iScatter");
            }

            int[] counts = new int[n];
            int[] displs = new int[n];
            for (int r = 0; r < n; r++) {
                counts[r] = r + 1;
                displs[r] = r * (n + 1);
            }
            IntBuffer v = ints(me + 1, me + 4);
            IntBuffer vAll = MPI.newIntBuffer(n * (n + 1));
            Request vr = w.iAllGatherv(v, me + 1, MPI.INT, vAll, counts, displs, MPI.INT);
            vr.waitFor();
            for (int r = 0; r < n; r++) {
                for (int i = 0; i <= r; i++) {
                    assertEquals((r + 4) * 100 + i % 7, vAll.get(r * (n + 1) + i), "iAllGatherv block " + r);
                }
            }
            assertTrue(vr.isNull());
        });
    }
}
