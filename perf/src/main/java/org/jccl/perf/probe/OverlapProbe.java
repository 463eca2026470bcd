package org.jccl.perf.probe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.ReduceOp;

/**
 * Whether asynchronous collectives overlap: for each size, the p50 time (slowest rank) of one
 * {@code allReduce}, and of two {@code allReduceAsync} issued back to back and then joined, with a
 * barrier before each iteration; rank 0 prints both and their ratio (1.0: the second one was free;
 * 2.0: they ran one after the other). Start it under any launcher, e.g. on the shaped cluster:
 * {@code perf/cluster/netns.sh run 4 1gbit -- java -cp perf/target/jccl-perf.jar
 * org.jccl.perf.probe.OverlapProbe 64K 16M}.
 */
public final class OverlapProbe {
    private static final int ITERATIONS = 30;
    /** Bytes each form moves in its warm-up, so that the JIT has compiled both before any timing. */
    private static final long WARM_UP_BYTES = 256L << 20;

    private OverlapProbe() {
    }

    public static void main(String[] args) {
        try (Communicator c = Jccl.init()) {
            if (c.rank() == 0) {
                System.out.println("#      size(B)   one p50(us)   two p50(us)   two/one");
            }
            for (String a : args.length > 0 ? args : new String[] {"64K", "16M"}) {
                int bytes = parse(a);
                ByteBuffer x = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
                ByteBuffer y = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
                int warmUp = (int) Math.max(5, Math.min(2000, WARM_UP_BYTES / bytes));
                double one = p50(c, warmUp, () -> c.allReduce(x, x, DataType.FLOAT32, ReduceOp.SUM));
                double two = p50(c, warmUp, () -> {
                    CompletableFuture<Void> f = c.allReduceAsync(x, x, DataType.FLOAT32, ReduceOp.SUM);
                    CompletableFuture<Void> g = c.allReduceAsync(y, y, DataType.FLOAT32, ReduceOp.SUM);
                    f.join();
                    g.join();
                });
                if (c.rank() == 0) {
                    System.out.printf(Locale.ROOT, "%14d %13.1f %13.1f %9.2f%n", bytes, one, two, two / one);
                }
            }
        }
    }

    /** Median over the iterations of the slowest rank's time, in µs, after {@code warmUp} untimed calls. */
    private static double p50(Communicator c, int warmUp, Runnable op) {
        for (int i = 0; i < warmUp; i++) {
            op.run();
        }
        ByteBuffer times = ByteBuffer.allocateDirect(8 * ITERATIONS).order(ByteOrder.nativeOrder());
        for (int i = 0; i < ITERATIONS; i++) {
            c.barrier();
            long t0 = System.nanoTime();
            op.run();
            times.putLong(8 * i, System.nanoTime() - t0);
        }
        c.allReduce(times, times, DataType.INT64, ReduceOp.MAX);
        long[] t = new long[ITERATIONS];
        for (int i = 0; i < ITERATIONS; i++) {
            t[i] = times.getLong(8 * i);
        }
        Arrays.sort(t);
        return t[ITERATIONS / 2] / 1000.0;
    }

    private static int parse(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        int shift = u.endsWith("K") ? 10 : u.endsWith("M") ? 20 : 0;
        return Integer.parseInt(shift == 0 ? u : u.substring(0, u.length() - 1)) << shift;
    }
}
