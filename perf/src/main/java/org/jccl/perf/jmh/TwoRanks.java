package org.jccl.perf.jmh;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Two ranks of a benchmark as threads of this JVM: each rank has its own thread, opens its end
 * there (both at once, as a rendezvous needs) and is closed with the benchmark.
 *
 * @param <T> what each rank opens: a transport or a communicator
 */
final class TwoRanks<T extends AutoCloseable> implements AutoCloseable {
    private final Object[] ends = new Object[2];
    private final ExecutorService[] threads = new ExecutorService[2];

    /** Opens both ranks, {@code open.apply(rank)} on that rank's thread, waiting at most a minute. */
    TwoRanks(String name, IntFunction<T> open) throws Exception {
        CompletableFuture<?>[] opening = new CompletableFuture<?>[2];
        for (int r = 0; r < 2; r++) {
            int rank = r;
            threads[r] = Executors.newSingleThreadExecutor(task -> new Thread(task, name + "-rank-" + rank));
            opening[r] = CompletableFuture.runAsync(() -> ends[rank] = open.apply(rank), threads[r]);
        }
        CompletableFuture.allOf(opening).get(60, TimeUnit.SECONDS);
    }

    /** Rank {@code rank}'s end. */
    @SuppressWarnings("unchecked")
    T get(int rank) {
        return (T) ends[rank];
    }

    /** Runs {@code work} on rank {@code rank}'s thread. */
    CompletableFuture<Void> run(int rank, Runnable work) {
        return CompletableFuture.runAsync(work, threads[rank]);
    }

    @Override
    public void close() throws Exception {
        for (int r = 0; r < 2; r++) {
            if (ends[r] != null) {
                ((AutoCloseable) ends[r]).close();
            }
            threads[r].shutdownNow();
        }
    }
}
