package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.IntBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The movement calls of {@link Comm} on ranks in threads, each with its own {@link Intracomm} over a
 * jccl communicator: every rank count from 1 to 5, arrays and direct buffers, in place and not.
 */
class CommTest {
    /** Runs {@code body} on {@code ranks} ranks and fails with the first rank's failure. */
    static void onRanks(int ranks, String transport, RankBody body) {
        ThreadRanks launcher = transport.equals("inproc") ? ThreadRanks.inProcess() : ThreadRanks.loopback(transport);
        List<Throwable> errors = launcher.each(ranks, Map.of(), Duration.ofSeconds(60), c -> {
            Intracomm world = new Intracomm(c);
            world.setErrhandler(MPI.ERRORS_RETURN);
            body.run(world);
        });
        List<String> failed = new ArrayList<>();
        Throwable first = null;
        for (int r = 0; r < errors.size(); r++) {
            if (errors.get(r) != null) {
                failed.add("rank " + r + ": " + errors.get(r));
                first = first == null ? errors.get(r) : first;
            }
        }
        if (first != null) {
            throw new AssertionError(String.join("; ", failed), first);
        }
    }

    /** What one rank does. */
    interface RankBody {
        void run(Intracomm world) throws Exception;
    }

    private static int value(int rank, int i) {
        return rank * 1000 + i;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void bcastGatherScatterAllGatherAllToAll(int ranks) {
        onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int n = w.getSize();
            int count = 7;
            int[] b = new int[count];
            IntBuffer direct = MPI.newIntBuffer(count);
            for (int i = 0; i < count; i++) {
                b[i] = me == n - 1 ? value(9, i) : -1;
                direct.put(i, me == 0 ? value(8, i) : -1);
            }
            w.bcast(b, count, MPI.INT, n - 1);
            w.bcast(direct, count, MPI.INT, 0);
            for (int i = 0; i < count; i++) {
                assertEquals(value(9, i), b[i]);
                assertEquals(value(8, i), direct.get(i));
            }

            int[] mine = new int[count];
            for (int i = 0; i < count; i++) {
                mine[i] = value(me, i);
            }
            int[] expectedAll = new int[count * n];
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < count; i++) {
                    expectedAll[r * count + i] = value(r, i);
                }
            }
            int[] gathered = new int[count * n];
            w.gather(mine, count, MPI.INT, gathered, count, MPI.INT, 0);
            if (me == 0) {
                assertArrayEquals(expectedAll, gathered);
            }
            int[] inPlace = new int[count * n];
            System.arraycopy(mine, 0, inPlace, me * count, count);
            w.gather(me == 0 ? inPlace : mine, count, MPI.INT, 0);
            if (me == 0) {
                assertArrayEquals(expectedAll, inPlace);
            }

            int[] part = new int[count];
            w.scatter(expectedAll, count, MPI.INT, part, count, MPI.INT, n - 1);
            assertArrayEquals(mine, part);
            int[] rootAll = me == 0 ? expectedAll.clone() : new int[count];
            w.scatter(rootAll, count, MPI.INT, 0);
            assertArrayEquals(mine, me == 0 ? Arrays.copyOfRange(rootAll, 0, count) : rootAll);
            if (me == 0) {
                assertArrayEquals(expectedAll, rootAll); // root's buffer is left as it was
            }

            IntBuffer all = MPI.newIntBuffer(count * n);
            IntBuffer own = MPI.newIntBuffer(count).put(mine);
            w.allGather(own, count, MPI.INT, all, count, MPI.INT);
            int[] got = new int[count * n];
            all.get(0, got);
            assertArrayEquals(expectedAll, got);
            int[] allInPlace = new int[count * n];
            System.arraycopy(mine, 0, allInPlace, me * count, count);
            w.allGather(allInPlace, count, MPI.INT);
            assertArrayEquals(expectedAll, allInPlace);

            long[] send = new long[2 * n];
            long[] recv = new long[2 * n];
            for (int j = 0; j < n; j++) {
                send[2 * j] = me * 100L + j;
                send[2 * j + 1] = -(me * 100L + j);
            }
            w.allToAll(send, 2, MPI.LONG, recv, 2, MPI.LONG);
            for (int j = 0; j < n; j++) {
                assertEquals(j * 100L + me, recv[2 * j]);
                assertEquals(-(j * 100L + me), recv[2 * j + 1]);
            }
            w.barrier();
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void sendAndRecvAroundARing(int ranks) {
        onRanks(ranks, "tcp", w -> {
            int me = w.getRank();
            int n = w.getSize();
            double[] out = {me, me + 0.5, -me};
            double[] in = new double[3];
            int next = (me + 1) % n;
            int prev = (me + n - 1) % n;
            if (me % 2 == 0) {
                w.send(out, 3, MPI.DOUBLE, next, 7);
                Status s = w.recv(in, 3, MPI.DOUBLE, prev, 7);
                assertEquals(prev, s.getSource());
                assertEquals(7, s.getTag());
                assertEquals(3, s.getCount(MPI.DOUBLE));
                assertEquals(6, s.getCount(MPI.FLOAT));
            } else {
                w.recv(in, 3, MPI.DOUBLE, prev, 7);
                w.send(out, 3, MPI.DOUBLE, next, 7);
            }
            assertArrayEquals(new double[] {prev, prev + 0.5, -prev}, in);
            Status none = w.recv(in, 3, MPI.DOUBLE, MPI.PROC_NULL, 1);
            assertEquals(MPI.PROC_NULL, none.getSource());
            assertEquals(0, none.getCount(MPI.DOUBLE));
            w.send(out, 3, MPI.DOUBLE, MPI.PROC_NULL, 1);
        });
    }

    /** Room for every rank's two buffered messages in {@link #sendRecvAndItsFriendsAroundARing}. */
    private static final int BSEND_BUDGET = 3 * 2 * (300_000 * 4 + MPI.BSEND_OVERHEAD);

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void sendRecvAndItsFriendsAroundARing(int ranks) throws MPIException {
        MPI.attachBuffer(new byte[BSEND_BUDGET]);
        try {
            ringExchanges(ranks);
        } finally {
            assertEquals(BSEND_BUDGET, MPI.detachBuffer().length);
        }
        MPIException none = assertThrows(MPIException.class, MPI::detachBuffer);
        assertEquals(MPI.ERR_BUFFER, none.getErrorClass());
    }

    private static void ringExchanges(int ranks) {
        onRanks(ranks, "tcp", w -> {
            int me = w.getRank();
            int n = w.getSize();
            int next = (me + 1) % n;
            int prev = (me + n - 1) % n;
            int big = 300_000; // past the eager limit: a plain send here would wait for its receive
            int[] out = new int[big];
            Arrays.fill(out, me);
            int[] in = new int[big];
            Status s = w.sendRecv(out, big, MPI.INT, next, 3, in, big, MPI.INT, prev, 3);
            assertEquals(prev, s.getSource());
            assertEquals(big, s.getCount(MPI.INT));
            assertEquals(prev, in[0]);
            assertEquals(prev, in[big - 1]);

            long[] token = {me, -me};
            w.sendRecvReplace(token, 2, MPI.LONG, next, 4, prev, 4);
            assertArrayEquals(new long[] {prev, -prev}, token);

            // buffered: every rank sends before any receives (the buffer is attached by the test, once for all)
            w.bSend(out, big, MPI.INT, next, 5);
            w.bSend(out, 1, MPI.INT, next, 6);
            MPIException tooBig = assertThrows(MPIException.class,
                    () -> w.bSend(MPI.newByteBuffer(BSEND_BUDGET + 1), BSEND_BUDGET + 1, MPI.BYTE, next, 7));
            assertEquals(MPI.ERR_BUFFER, tooBig.getErrorClass());
            w.recv(in, big, MPI.INT, prev, 5);
            assertEquals(prev, in[big - 1]);
            w.recv(in, 1, MPI.INT, prev, 6);
            w.rSend(out, 1, MPI.INT, next, 8);
            w.recv(in, 1, MPI.INT, prev, 8);
            w.barrier(); // as MPI.Finalize does: no rank closes while its buffered message is still on the way
        });
    }

    @Test
    void splitAndDupMakeCommunicatorsOfTheirOwn() {
        onRanks(5, "inproc", w -> {
            int me = w.getRank();
            Intracomm half = w.split(me % 2, -me);
            assertEquals(me % 2 == 0 ? 3 : 2, half.getSize());
            int[] sum = {1};
            half.allReduce(sum, 1, MPI.INT, MPI.SUM);
            assertEquals(half.getSize(), sum[0]);
            assertEquals(half.getSize() - 1 - me / 2, half.getRank()); // keys reverse the order
            Intracomm none = w.split(me == 4 ? MPI.UNDEFINED : 0, 0);
            if (me == 4) {
                assertNull(none);
            } else {
                assertEquals(4, none.getSize());
                none.free();
            }
            Intracomm copy = w.dup();
            assertEquals(me, copy.getRank());
            assertEquals(MPI.ERRORS_RETURN, copy.getErrhandler());
            copy.free();
            MPIException freed = assertThrows(MPIException.class, copy::barrier);
            assertEquals(MPI.ERR_COMM, freed.getErrorClass());
            half.free();
        });
    }
}
