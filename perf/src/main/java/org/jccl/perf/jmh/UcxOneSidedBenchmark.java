package org.jccl.perf.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * Does a one-sided path pay for large messages? One message of {@code bytes} bytes from one UCX
 * worker to another, either as the ucx transport sends it today ({@code tag}: a tagged send
 * matched by a posted receive, which UCX turns into a zero-copy rendezvous above its threshold)
 * or as a one-sided transfer would ({@code put}: a put into the receiver's registered window,
 * whose packed remote key the sender holds already, then a flush and an 8-byte tagged note so
 * that the receiver knows the data is there). Registration and key exchange are left out: a
 * registration cache would pay them once per window. Both workers are driven by the benchmark
 * thread. Choose UCX's transport with {@code UCX_TLS} ({@code sm}, or {@code tcp} with
 * {@code UCX_NET_DEVICES=lo}); the score is the time of one transfer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UcxOneSidedBenchmark {
    private static final long DATA_TAG = 1;
    private static final long NOTE_TAG = 2;

    @Param({"tag", "put"})
    String path;

    @Param({"65536", "1048576", "16777216"})
    int bytes;

    private UcpContext context;
    private UcpWorker sender;
    private UcpWorker receiver;
    private UcpEndpoint toReceiver;
    private ByteBuffer source;
    private ByteBuffer window;
    private ByteBuffer note;
    private ByteBuffer noteIn;
    private UcpMemory windowMemory;
    private UcpRemoteKey windowKey;

    @Setup
    public void open() {
        context = new UcpContext(new UcpParams().requestTagFeature().requestRmaFeature());
        sender = context.newWorker(new UcpWorkerParams());
        receiver = context.newWorker(new UcpWorkerParams());
        toReceiver = sender.newEndpoint(new UcpEndpointParams().setUcpAddress(receiver.getAddress()));
        source = ByteBuffer.allocateDirect(bytes);
        window = ByteBuffer.allocateDirect(bytes);
        note = ByteBuffer.allocateDirect(8);
        noteIn = ByteBuffer.allocateDirect(8);
        windowMemory = context.registerMemory(window);
        windowKey = toReceiver.unpackRemoteKey(windowMemory.getRemoteKeyBuffer());
    }

    @TearDown
    public void close() {
        windowKey.close();
        UcpRequest flushed = toReceiver.closeNonBlockingFlush();
        drive(flushed::isCompleted);
        windowMemory.deregister();
        sender.close();
        receiver.close();
        context.close();
    }

    @Benchmark
    public void transfer() {
        if (path.equals("tag")) {
            UcpRequest in = receiver.recvTaggedNonBlocking(UcxUtils.getAddress(window), bytes, DATA_TAG, -1L, null);
            UcpRequest out = toReceiver.sendTaggedNonBlocking(UcxUtils.getAddress(source), bytes, DATA_TAG, null);
            drive(() -> in.isCompleted() && out.isCompleted());
        } else {
            UcpRequest in = receiver.recvTaggedNonBlocking(UcxUtils.getAddress(noteIn), 8, NOTE_TAG, -1L, null);
            toReceiver.putNonBlocking(UcxUtils.getAddress(source), bytes, windowMemory.getAddress(), windowKey, null);
            UcpRequest flushed = toReceiver.flushNonBlocking(null);
            drive(flushed::isCompleted);
            UcpRequest out = toReceiver.sendTaggedNonBlocking(UcxUtils.getAddress(note), 8, NOTE_TAG, null);
            drive(() -> in.isCompleted() && out.isCompleted());
        }
    }

    private void drive(BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            try {
                sender.progress();
                receiver.progress();
            } catch (Exception e) {
                throw new IllegalStateException("UCX progress failed", e);
            }
        }
    }
}
