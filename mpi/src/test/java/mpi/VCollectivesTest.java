package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.IntBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gatherv, scatterv, allGatherv and allToAllv with uneven counts (some zero), blocks placed in
 * reverse rank order with a gap after each (so not packed), and packed; the gaps keep what they held.
 */
class VCollectivesTest {
    private static final int GAP = -7;

    private static int[] counts(int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = (i + 1) % 3;
        }
        return c;
    }

    /** Block i at a displacement that puts the blocks in reverse order with one element of gap after each. */
    private static int[] scattered(int[] counts) {
        int[] d = new int[counts.length];
        int at = 0;
        for (int i = counts.length - 1; i >= 0; i--) {
            d[i] = at;
            at += counts[i] + 1;
        }
        return d;
    }

    private static int[] packed(int[] counts) {
        int[] d = new int[counts.length];
        for (int i = 1; i < counts.length; i++) {
            d[i] = d[i - 1] + counts[i - 1];
        }
        return d;
    }

    private static int extent(int[] counts, int[] displs) {
        int end = 0;
        for (int i = 0; i < counts.length; i++) {
            end = Math.max(end, displs[i] + counts[i]);
        }
        return end + 1; // one more element, which no block covers
    }

    private static int value(int rank, int k) {
        return rank * 100 + k;
    }

    private static int[] block(int rank, int count) {
        int[] b = new int[count];
        for (int k = 0; k < count; k++) {
            b[k] = value(rank, k);
        }
        return b;
    }

    /** What a receive buffer holds once every rank's block landed at its displacement: gaps untouched. */
    private static int[] landed(int[] counts, int[] displs, int from) {
        int[] whole = new int[extent(counts, displs)];
        Arrays.fill(whole, GAP);
        for (int i = 0; i < counts.length; i++) {
            for (int k = 0; k < counts[i]; k++) {
                whole[displs[i] + k] = from < 0 ? value(i, k) : value(from, k);
            }
        }
        return whole;
    }

    private static int[] gaps(int length) {
        int[] a = new int[length];
        Arrays.fill(a, GAP);
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void unevenBlocksAtAnyDisplacement(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int[] counts = counts(ranks);
            for (int[] displs : new int[][] {scattered(counts), packed(counts)}) {
                int[] all = landed(counts, displs, -1);
                int root = ranks - 1;

                int[] gathered = gaps(all.length);
                w.gatherv(block(me, counts[me]), counts[me], MPI.INT, gathered, counts, displs, MPI.INT, root);
                if (me == root) {
                    assertArrayEquals(all, gathered, "gatherv to the root");
                }
                if (me == root) {
                    int[] inPlace = gaps(all.length);
                    System.arraycopy(block(me, counts[me]), 0, inPlace, displs[me], counts[me]);
                    w.gatherv(inPlace, counts, displs, MPI.INT, root);
                    assertArrayEquals(all, inPlace, "gatherv in place at the root");
                } else {
                    w.gatherv(block(me, counts[me]), counts[me], MPI.INT, root);
                }

                int[] part = new int[counts[me]];
                w.scatterv(all, counts, displs, MPI.INT, part, counts[me], MPI.INT, 0);
                assertArrayEquals(block(me, counts[me]), part, "scatterv");
                if (me == 0) {
                    int[] source = all.clone();
                    w.scatterv(source, counts, displs, MPI.INT, 0);
                    assertArrayEquals(all, source, "scatterv in place leaves the root's buffer alone");
                } else {
                    int[] mine = new int[counts[me]];
                    w.scatterv(mine, counts[me], MPI.INT, 0);
                    assertArrayEquals(block(me, counts[me]), mine, "scatterv in place, at a non-root");
                }

                IntBuffer everything = MPI.newIntBuffer(all.length).put(0, gaps(all.length));
                w.allGatherv(MPI.newIntBuffer(Math.max(1, counts[me])).put(0, block(me, counts[me])), counts[me], MPI.INT,
                        everything, counts, displs, MPI.INT);
                int[] got = new int[all.length];
                everything.get(0, got);
                assertArrayEquals(all, got, "allGatherv on direct buffers");
                int[] inPlace = gaps(all.length);
                System.arraycopy(block(me, counts[me]), 0, inPlace, displs[me], counts[me]);
                w.allGatherv(inPlace, counts, displs, MPI.INT);
                assertArrayEquals(all, inPlace, "allGatherv in place");

                // rank me sends rank j counts[(me + j) % n] elements; both sides agree on that count
                int[] sendCounts = new int[ranks];
                int[] recvCounts = new int[ranks];
                for (int j = 0; j < ranks; j++) {
                    sendCounts[j] = counts[(me + j) % ranks];
                    recvCounts[j] = counts[(j + me) % ranks];
                }
                int[] sdispls = scattered(sendCounts);
                int[] rdispls = packed(recvCounts);
                int[] send = gaps(extent(sendCounts, sdispls));
                for (int j = 0; j < ranks; j++) {
                    for (int k = 0; k < sendCounts[j]; k++) {
                        send[sdispls[j] + k] = value(me, 10 * j + k);
                    }
                }
                int[] recv = gaps(extent(recvCounts, rdispls));
                w.allToAllv(send, sendCounts, sdispls, MPI.INT, recv, recvCounts, rdispls, MPI.INT);
                for (int j = 0; j < ranks; j++) {
                    for (int k = 0; k < recvCounts[j]; k++) {
                        assertEquals(value(j, 10 * me + k), recv[rdispls[j] + k], "allToAllv from rank " + j);
                    }
                }
                assertEquals(GAP, recv[recv.length - 1], "allToAllv leaves what lies past the blocks");
            }
        });
    }
}
