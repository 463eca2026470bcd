package org.jccl.perf.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.ReduceOp;
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
 * A small all-reduce through the public API, two ranks as threads of this JVM, each calling
 * {@code allReduce} {@value #CALLS} times per invocation: the time of one call, and with JMH's
 * {@code -prof gc} what a call allocates ({@code gc.alloc.rate.norm}, bytes per call summed over
 * both ranks and every thread). The allocation is the figure to watch: a collective's hot path
 * should allocate next to nothing, since on a VM fresh heap memory costs far more than the call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AllReduceBenchmark {
    /** Calls per rank and invocation. */
    static final int CALLS = 100;

    @Param({"tcp", "ucx", "inproc"})
    String transport;

    @Param({"8", "65536"})
    int bytes;

    private TwoRanks<Communicator> ranks;
    private final ByteBuffer[] data = new ByteBuffer[2];

    @Setup(Level.Trial)
    public void open() throws Exception {
        String store = "mem:allreduce-" + System.nanoTime();
        for (int r = 0; r < 2; r++) {
            data[r] = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        ranks = new TwoRanks<>("allreduce", rank -> Jccl.builder().rank(rank).size(2).rendezvous(store)
                .transport(transport).timeout(Duration.ofSeconds(30)).connect());
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ranks.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void allReduce() throws Exception {
        CompletableFuture<?> one = calls(1);
        calls(0).get(60, TimeUnit.SECONDS);
        one.get(60, TimeUnit.SECONDS);
    }

    private CompletableFuture<?> calls(int rank) {
        Communicator c = ranks.get(rank);
        return ranks.run(rank, () -> {
            for (int i = 0; i < CALLS; i++) {
                c.allReduce(data[rank], data[rank], DataType.FLOAT32, ReduceOp.MAX);
            }
        });
    }
}
