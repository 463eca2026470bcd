package org.jccl.perf.jmh;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jccl.JcclException;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.jccl.rendezvous.StoreBootstrap;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.Completion;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ping-pong through the transport SPI alone, no communicator: two ranks in this JVM bounce a
 * message of {@code bytes} bytes {@value #ROUNDS} times per invocation. Each rank runs its rounds
 * where its transport wants them run (on its progress thread, driving I/O while it waits), as the
 * communicator does, so the score is the transport's own one-way latency: half a round trip.
 * For {@code ucx}, pick UCX's transport with {@code UCX_TLS} (e.g. {@code UCX_TLS=sm} plus the
 * error-handling settings in the README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpiPingPongBenchmark {
    /** Round trips per invocation; the reported time is per one-way trip. */
    static final int ROUNDS = 100;
    private static final long TAG = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Param({"tcp", "ucx", "inproc"})
    String transport;

    @Param({"8", "65536", "1048576"})
    int bytes;

    private TwoRanks<Transport> ranks;
    private final ByteBuffer[] sendBufs = new ByteBuffer[2];
    private final ByteBuffer[] recvBufs = new ByteBuffer[2];

    private record Context(int rank, int size, Duration timeout, long jobId, String secret, String socketInterface,
                           String rendezvousHost, Bootstrap bootstrap) implements TransportContext {
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(transport)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no transport named " + transport));
        if (provider.unavailableReason() != null) {
            throw new IllegalStateException(transport + " is unavailable: " + provider.unavailableReason());
        }
        String store = "pingpong-" + System.nanoTime();
        long job = System.nanoTime();
        for (int r = 0; r < 2; r++) {
            sendBufs[r] = ByteBuffer.allocateDirect(bytes);
            recvBufs[r] = ByteBuffer.allocateDirect(bytes);
        }
        ranks = new TwoRanks<>("pingpong", rank -> {
            Bootstrap b = new StoreBootstrap(MemoryRendezvousStore.open(store, rank), "pp", rank, 2, TIMEOUT);
            return provider.open(new Context(rank, 2, TIMEOUT, job, null, null, "127.0.0.1", b));
        });
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ranks.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void pingPong() throws Exception {
        CompletableFuture<Void> pong = rounds(1);
        CompletableFuture<Void> ping = rounds(0);
        ping.get(60, TimeUnit.SECONDS);
        pong.get(60, TimeUnit.SECONDS);
    }

    /** Rank 0 sends then receives, rank 1 receives then sends, {@link #ROUNDS} times. */
    private CompletableFuture<Void> rounds(int rank) {
        Transport t = ranks.get(rank);
        Progress progress = t.progress();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable job = () -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    if (rank == 0) {
                        await(t, progress, op -> t.send(1, TAG, sendBufs[0].clear(), op));
                        await(t, progress, op -> t.recv(1, TAG, recvBufs[0].clear(), op));
                    } else {
                        await(t, progress, op -> t.recv(0, TAG, recvBufs[1].clear(), op));
                        await(t, progress, op -> t.send(0, TAG, sendBufs[1].clear(), op));
                    }
                }
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        if (progress != null) {
            progress.execute(job);
        } else {
            ranks.run(rank, job);
        }
        return done;
    }

    private interface Post {
        void start(Completion op);
    }

    /** Posts one operation and waits for it: driving the transport when it has a progress thread, else spinning. */
    private static void await(Transport t, Progress progress, Post post) {
        AtomicInteger state = new AtomicInteger(); // 0 pending, 1 done, 2 failed
        JcclException[] failure = new JcclException[1];
        post.start(new Completion() {
            @Override
            public void completed() {
                state.set(1);
            }

            @Override
            public void failed(JcclException cause) {
                failure[0] = cause;
                state.set(2);
            }
        });
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        if (progress != null) {
            progress.driveUntil(() -> state.get() != 0, deadline);
        } else {
            while (state.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        if (state.get() != 1) {
            throw failure[0] != null ? failure[0] : new IllegalStateException("ping-pong step timed out");
        }
    }
}
