package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jccl.ReduceOp;
import org.jccl.algorithms.CostModel;
import org.jccl.core.Request;
import org.jccl.core.Schedule;
import org.jccl.core.Tags;
import org.jccl.core.Windows;

/**
 * Measures the {@link CostModel} of a new communicator, so that its algorithms are chosen for the
 * links it actually has. Ranks pair up (0-1, 2-3, …; a last odd rank only listens to the result):
 * the lower rank of each pair times {@value #SMALL_ROUNDS} ping-pongs of {@value #SMALL_BYTES} bytes
 * and {@value #LARGE_ROUNDS} of {@value #LARGE_BYTES} bytes with its partner, and takes α as half the
 * fastest small round trip and β from the median large one. One all-reduce then sums the
 * measurements, and every rank divides alike, so all hold the same model bit for bit and choose the
 * same algorithms. γ keeps its default: timed in a JVM that has not compiled the reduction kernels
 * yet, it reads 20-150 times what the compiled kernels take. The fastest small round, not the mean,
 * because the JIT and the scheduler only ever add time; enough rounds that the
 * JIT has compiled the path by the last of them. All of it takes 10-50 ms. A cold JVM still reads α
 * high (the first collectives are slow too); {@code JCCL_COST_MODEL} pins a model instead.
 */
final class CostProbe {
    static final int SMALL_BYTES = 8;
    static final int LARGE_BYTES = 256 * 1024;
    static final int SMALL_ROUNDS = 400;
    static final int LARGE_ROUNDS = 12;
    /** Floors: a measurement below them is the clock's noise, not the link. */
    private static final double MIN_ALPHA = 0.1e-6;
    private static final double MIN_PER_BYTE = 1e-12;

    private CostProbe() {
    }

    /** The model every rank of {@code comm} agrees on; collective: every rank must call it. */
    static CostModel measure(TransportCommunicator comm, PeerBootstrap.Parent runner) {
        int rank = comm.rank();
        int size = comm.size();
        int partner = rank ^ 1;
        double[] mine = new double[3];
        if (partner < size) {
            ByteBuffer out = ByteBuffer.allocateDirect(LARGE_BYTES).order(ByteOrder.nativeOrder());
            ByteBuffer in = ByteBuffer.allocateDirect(LARGE_BYTES).order(ByteOrder.nativeOrder());
            long[] small = new long[SMALL_ROUNDS + 1];
            long[] large = new long[LARGE_ROUNDS + 1];
            boolean first = rank < partner;
            runner.run("init", Tags.costProbe(), x -> {
                pingPong(x, partner, first, Windows.of(out, 0, SMALL_BYTES), Windows.of(in, 0, SMALL_BYTES), small);
                pingPong(x, partner, first, out, in, large);
            });
            if (first) {
                double alpha = fastest(small) / 2e9;
                double beta = Math.max(0, median(large) / 2e9 - alpha) / LARGE_BYTES;
                mine[0] = alpha;
                mine[1] = beta;
                mine[2] = 1;
            }
        }
        double[] sums = mine.clone();
        comm.allReduce(sums, ReduceOp.SUM);
        double pairs = Math.max(1, sums[2]);
        return new CostModel(Math.max(MIN_ALPHA, sums[0] / pairs), Math.max(MIN_PER_BYTE, sums[1] / pairs),
                CostModel.DEFAULT.gamma());
    }

    /**
     * Round trips with {@code partner}; {@code t[i]} is when round i starts on this rank, the last
     * entry when the rounds end. The first of the pair sends first.
     */
    private static void pingPong(Schedule x, int partner, boolean first, ByteBuffer out, ByteBuffer in, long[] t) {
        for (int i = 0; i < t.length - 1; i++) {
            int k = i;
            x.local(() -> t[k] = System.nanoTime());
            if (first) {
                Request sent = x.isend(partner, out);
                x.await(x.irecv(partner, in));
                x.await(sent);
            } else {
                x.await(x.irecv(partner, in));
                x.await(x.isend(partner, out));
            }
        }
        x.local(() -> t[t.length - 1] = System.nanoTime());
    }

    /** The rounds' durations, shortest first: {@code t[i]} is when round i started, the last entry when they ended. */
    private static long[] sortedRounds(long[] t) {
        long[] d = new long[t.length - 1];
        for (int i = 1; i < t.length; i++) {
            d[i - 1] = t[i] - t[i - 1];
        }
        Arrays.sort(d);
        return d;
    }

    /** The fastest round: the JIT and the scheduler only ever add time. */
    private static long fastest(long[] t) {
        return sortedRounds(t)[0];
    }

    /**
     * The median round: a shaped link's token bucket lets the first large rounds through at once,
     * and only the rounds after it show the rate.
     */
    private static long median(long[] t) {
        long[] d = sortedRounds(t);
        return d[d.length / 2];
    }
}
