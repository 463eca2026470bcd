package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.tck.TestPorts;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.Test;

/**
 * 128 ranks over tcp on loopback, as threads of this JVM: they start, run every collective with
 * checked results, and close. The slowest rank's start-up is printed; how it grows with the job is
 * a benchmark's business (perf {@code StartupScale}), not this test's.
 */
class TcpScaleTest {
    private static final int RANKS = 128;

    @Test
    void oneHundredTwentyEightRanksStartRunEveryCollectiveAndClose() throws IOException {
        long needed = (long) RANKS * (RANKS + 8); // the full mesh holds both ends of every connection here
        long allowed = openFilesAllowed();
        assumeTrue(allowed >= needed, "SKIPPED LOUDLY: " + RANKS + " ranks in one process need about " + needed
                + " open files, and this process may open " + allowed + " (raise ulimit -n)");
        AtomicLong slowestStart = new AtomicLong();
        long begin = System.nanoTime();
        List<Throwable> errors = ThreadRanks.loopback("tcp").each(RANKS, Map.of(), TestPorts.timeout(), c -> {
            slowestStart.accumulateAndGet(System.nanoTime() - begin, Math::max);
            int me = c.rank();
            int n = c.size();
            ByteBuffer one = longs(1).putLong(0, me + 1);
            c.allReduce(one, one, DataType.INT64, ReduceOp.SUM);
            assertEquals((long) n * (n + 1) / 2, one.getLong(0), "allReduce");
            ByteBuffer b = longs(1).putLong(0, me == 7 ? 42 : -1);
            c.broadcast(b, 7);
            assertEquals(42, b.getLong(0), "broadcast");
            ByteBuffer all = longs(n);
            c.allGather(longs(1).putLong(0, me), all);
            for (int r = 0; r < n; r++) {
                assertEquals(r, all.getLong(8 * r), "allGather block " + r);
            }
            ByteBuffer blocks = longs(n);
            for (int r = 0; r < n; r++) {
                blocks.putLong(8 * r, r);
            }
            ByteBuffer mine = longs(1);
            c.reduceScatter(blocks, mine, DataType.INT64, ReduceOp.SUM);
            assertEquals((long) me * n, mine.getLong(0), "reduceScatter");
            ByteBuffer exchanged = longs(n);
            c.allToAll(blocks, exchanged);
            for (int r = 0; r < n; r++) {
                assertEquals(me, exchanged.getLong(8 * r), "allToAll from " + r);
            }
            ByteBuffer gathered = me == 0 ? longs(n) : null;
            c.gather(longs(1).putLong(0, me * 3L), gathered, 0);
            if (me == 0) {
                assertEquals(3L * (n - 1), gathered.getLong(8 * (n - 1)), "gather");
            }
            ByteBuffer part = longs(1);
            c.scatter(me == 0 ? blocks : null, part, 0);
            assertEquals(me, part.getLong(0), "scatter");
            ByteBuffer reduced = me == n - 1 ? longs(1) : null;
            c.reduce(longs(1).putLong(0, 2), reduced, DataType.INT64, ReduceOp.SUM, n - 1);
            if (me == n - 1) {
                assertEquals(2L * n, reduced.getLong(0), "reduce");
            }
            c.barrier();
        }).stream().filter(Objects::nonNull).toList();
        System.out.printf("%d ranks over tcp: the slowest started %.0f ms after the first call, all done in %.0f ms%n",
                RANKS, slowestStart.get() / 1e6, (System.nanoTime() - begin) / 1e6);
        assertTrue(errors.isEmpty(), errors.size() + " ranks failed; first: " + (errors.isEmpty() ? "" : errors.get(0)));
    }

    /** The soft limit on open files of this process (the JVM raises it to the hard one), or max when unknown. */
    private static long openFilesAllowed() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }

    private static ByteBuffer longs(int n) {
        return ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder());
    }
}
