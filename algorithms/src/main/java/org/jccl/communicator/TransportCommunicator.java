package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.Mailbox;
import org.jccl.ReduceOp;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.core.DebugLog;
import org.jccl.core.Schedule;
import org.jccl.core.Windows;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;

/**
 * The communicator. Each call becomes a {@link Call} on the caller's thread ({@link CollectiveCalls}:
 * arguments checked, algorithm chosen), then a {@link Schedule} of non-blocking steps, which the
 * {@link CallRunner} runs: a blocking call's on the caller's own thread, which drives the
 * transport while it waits; an asynchronous one wherever the communicator is driven next, so that
 * collectives in flight together overlap on the wire without a thread each. An asynchronous send or
 * receive only posts its message, and the transport's completion ends its future
 * ({@link PostedMessage}). Ranks that called different things find out from the collective's
 * messages ({@link ArgumentAgreement}); that, and any other failure, breaks
 * the communicator on every rank.
 */
public final class TransportCommunicator implements Communicator {
    private static final DebugLog LOG = DebugLog.of(TransportCommunicator.class);
    private final int rank;
    private final int size;
    private final TransportSpec spec;
    private final Transport transport;
    private final AutoCloseable rendezvous;
    private final AlgorithmSelector selector;
    private final CollectiveCalls calls;
    private final long timeoutNanos;
    private final int chunkBytes;
    /** Turns calls into schedules and runs them; knows whether the communicator is broken or closed. */
    private final CallRunner execution;
    /** This communicator's place on the straggler board, which split communicators share. */
    private final Membership membership;
    /** Where an asynchronous send or receive is posted: in order with the blocking calls that follow it. */
    private final Executor jobs;
    private long splits;
    /** Made on first use, so that a communicator without point-to-point posts no envelope receives. */
    private MatchingMailbox mailbox;
    private ByteBuffer staging;
    private FloatBuffer stagingFloats;
    private DoubleBuffer stagingDoubles;
    private IntBuffer stagingInts;
    private LongBuffer stagingLongs;

    TransportCommunicator(int rank, int size, TransportSpec spec, Transport transport, AutoCloseable rendezvous,
                          AlgorithmSelector selector, long timeoutNanos, int chunkBytes, Membership membership) {
        this.rank = rank;
        this.size = size;
        this.spec = spec;
        this.transport = transport;
        this.rendezvous = rendezvous;
        this.selector = selector;
        this.timeoutNanos = timeoutNanos;
        this.chunkBytes = chunkBytes;
        this.membership = membership;
        this.execution = new CallRunner(rank, size, transport, timeoutNanos, chunkBytes, membership);
        this.calls = new CollectiveCalls(rank, size, selector, this::usable);
        Progress p = transport.progress();
        this.jobs = p != null ? p::execute : Runnable::run;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    // ---- collectives ----------------------------------------------------------------------

    @Override
    public void broadcast(ByteBuffer buf, int root) {
        run(calls.broadcast(buf, root));
    }

    @Override
    public CompletableFuture<Void> broadcastAsync(ByteBuffer buf, int root) {
        return async(() -> calls.broadcast(buf, root));
    }

    @Override
    public void scatter(ByteBuffer send, ByteBuffer recv, int root) {
        run(calls.scatter("scatter", send, null, recv, root));
    }

    @Override
    public CompletableFuture<Void> scatterAsync(ByteBuffer send, ByteBuffer recv, int root) {
        return async(() -> calls.scatter("scatter", send, null, recv, root));
    }

    @Override
    public void scatterV(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int root) {
        run(calls.scatter("scatterV", send, sendCounts, recv, root));
    }

    @Override
    public CompletableFuture<Void> scatterVAsync(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int root) {
        return async(() -> calls.scatter("scatterV", send, sendCounts, recv, root));
    }

    @Override
    public void gather(ByteBuffer send, ByteBuffer recv, int root) {
        run(calls.gather("gather", send, recv, null, root));
    }

    @Override
    public CompletableFuture<Void> gatherAsync(ByteBuffer send, ByteBuffer recv, int root) {
        return async(() -> calls.gather("gather", send, recv, null, root));
    }

    @Override
    public void gatherV(ByteBuffer send, ByteBuffer recv, int[] recvCounts, int root) {
        run(calls.gather("gatherV", send, recv, recvCounts, root));
    }

    @Override
    public CompletableFuture<Void> gatherVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts, int root) {
        return async(() -> calls.gather("gatherV", send, recv, recvCounts, root));
    }

    @Override
    public void allGather(ByteBuffer send, ByteBuffer recv) {
        run(calls.allGather("allGather", send, recv, null));
    }

    @Override
    public CompletableFuture<Void> allGatherAsync(ByteBuffer send, ByteBuffer recv) {
        return async(() -> calls.allGather("allGather", send, recv, null));
    }

    @Override
    public void allGatherV(ByteBuffer send, ByteBuffer recv, int[] recvCounts) {
        run(calls.allGather("allGatherV", send, recv, recvCounts));
    }

    @Override
    public CompletableFuture<Void> allGatherVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts) {
        return async(() -> calls.allGather("allGatherV", send, recv, recvCounts));
    }

    @Override
    public void reduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        run(calls.reduce(send, recv, type, op, root));
    }

    @Override
    public CompletableFuture<Void> reduceAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        return async(() -> calls.reduce(send, recv, type, op, root));
    }

    @Override
    public void allReduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        run(calls.allReduce(send, recv, type, op));
    }

    @Override
    public CompletableFuture<Void> allReduceAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        return async(() -> calls.allReduce(send, recv, type, op));
    }

    @Override
    public void reduceScatter(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        run(calls.reduceScatter("reduceScatter", send, recv, null, type, op));
    }

    @Override
    public CompletableFuture<Void> reduceScatterAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        return async(() -> calls.reduceScatter("reduceScatter", send, recv, null, type, op));
    }

    @Override
    public void reduceScatterV(ByteBuffer send, ByteBuffer recv, int[] recvCounts, DataType type, ReduceOp op) {
        run(calls.reduceScatter("reduceScatterV", send, recv, recvCounts, type, op));
    }

    @Override
    public CompletableFuture<Void> reduceScatterVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts, DataType type,
                                                       ReduceOp op) {
        return async(() -> calls.reduceScatter("reduceScatterV", send, recv, recvCounts, type, op));
    }

    @Override
    public void allToAll(ByteBuffer send, ByteBuffer recv) {
        run(calls.allToAll(send, null, recv, null));
    }

    @Override
    public CompletableFuture<Void> allToAllAsync(ByteBuffer send, ByteBuffer recv) {
        return async(() -> calls.allToAll(send, null, recv, null));
    }

    @Override
    public void allToAllV(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts) {
        run(calls.allToAll(send, sendCounts, recv, recvCounts));
    }

    @Override
    public CompletableFuture<Void> allToAllVAsync(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts) {
        return async(() -> calls.allToAll(send, sendCounts, recv, recvCounts));
    }

    @Override
    public void barrier() {
        run(calls.barrier());
    }

    @Override
    public CompletableFuture<Void> barrierAsync() {
        return async(calls::barrier);
    }

    @Override
    public void send(ByteBuffer buf, int peer, int tag) {
        run(calls.send(buf, peer, tag));
    }

    @Override
    public CompletableFuture<Void> sendAsync(ByteBuffer buf, int peer, int tag) {
        return post("send", true, buf, peer, tag);
    }

    @Override
    public void recv(ByteBuffer buf, int peer, int tag) {
        run(calls.recv(buf, peer, tag));
    }

    @Override
    public CompletableFuture<Void> recvAsync(ByteBuffer buf, int peer, int tag) {
        return post("recv", false, buf, peer, tag);
    }

    /**
     * An asynchronous send or receive: checked here, then posted by a job that returns at once (in
     * call order with every other call), so that messages posted back to back overlap on the wire.
     */
    private CompletableFuture<Void> post(String op, boolean send, ByteBuffer buf, int peer, int tag) {
        ByteBuffer w;
        long wireTag;
        try {
            ArgumentCheck c = usable(op).peer(peer);
            if (send) {
                c.present("send", buf);
            } else {
                c.writable("receive", buf);
            }
            w = Windows.of(buf);
            wireTag = CollectiveCalls.userTag(c, tag);
        } catch (JcclException e) {
            return CompletableFuture.failedFuture(e);
        }
        PostedMessage m = new PostedMessage(rank, op, send, peer, w.remaining(), execution::breakWith, execution.status());
        m.startClock(timeoutNanos);
        jobs.execute(() -> {
            try {
                usable(op);
                if (send) {
                    transport.send(peer, wireTag, w, m);
                } else {
                    transport.recv(peer, wireTag, w, m);
                }
            } catch (JcclException e) {
                m.refuse(e);
            } catch (RuntimeException e) {
                m.refuse(new JcclException(rank, op, "internal error: " + e, e));
            }
        });
        return m.future();
    }

    @Override
    public synchronized Mailbox mailbox() {
        if (mailbox == null) {
            mailbox = new MatchingMailbox(rank, size, transport, execution::usable, execution::breakWith);
        }
        return mailbox;
    }

    // ---- array conveniences ---------------------------------------------------------------

    @Override
    public void allReduce(float[] data, ReduceOp op) {
        ByteBuffer b = staging(4L * data.length);
        stagingFloats.put(0, data);
        allReduce(b, b, DataType.FLOAT32, op);
        stagingFloats.get(0, data);
    }

    @Override
    public void allReduce(double[] data, ReduceOp op) {
        ByteBuffer b = staging(8L * data.length);
        stagingDoubles.put(0, data);
        allReduce(b, b, DataType.FLOAT64, op);
        stagingDoubles.get(0, data);
    }

    @Override
    public void allReduce(int[] data, ReduceOp op) {
        ByteBuffer b = staging(4L * data.length);
        stagingInts.put(0, data);
        allReduce(b, b, DataType.INT32, op);
        stagingInts.get(0, data);
    }

    @Override
    public void allReduce(long[] data, ReduceOp op) {
        ByteBuffer b = staging(8L * data.length);
        stagingLongs.put(0, data);
        allReduce(b, b, DataType.INT64, op);
        stagingLongs.get(0, data);
    }

    @Override
    public void broadcast(byte[] data, int root) {
        ByteBuffer b = staging(data.length);
        b.put(0, data);
        broadcast(b, root);
        b.get(0, data);
    }

    /**
     * The pooled direct staging buffer (native order), its limit set to {@code bytes}. It only grows,
     * and its typed views are made when it does, so a call in steady state allocates nothing here.
     */
    private ByteBuffer staging(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new JcclException(rank, "allReduce", "array of " + bytes + " B exceeds the 2 GiB buffer limit");
        }
        if (staging == null || staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect((int) Math.max(bytes, 2L * (staging == null ? 0 : staging.capacity())))
                    .order(ByteOrder.nativeOrder());
            stagingFloats = staging.asFloatBuffer();
            stagingDoubles = staging.asDoubleBuffer();
            stagingInts = staging.asIntBuffer();
            stagingLongs = staging.asLongBuffer();
        }
        return staging.clear().limit((int) bytes);
    }

    // ---- split ----------------------------------------------------------------------------

    @Override
    public Communicator split(int color, int key) {
        usable("split");
        ByteBuffer mine = ByteBuffer.allocateDirect(8).putInt(0, color).putInt(4, key);
        ByteBuffer all = ByteBuffer.allocateDirect(8 * size);
        allGather(mine, all);
        long split = ++splits;
        if (color < 0) {
            return null;
        }
        List<int[]> members = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (all.getInt(8 * r) == color) {
                members.add(new int[] {all.getInt(8 * r + 4), r});
            }
        }
        members.sort(Comparator.<int[]>comparingInt(m -> m[0]).thenComparingInt(m -> m[1]));
        int[] parentRanks = members.stream().mapToInt(m -> m[1]).toArray();
        int me = 0;
        while (parentRanks[me] != rank) {
            me++;
        }
        long job = mix(spec.jobId() ^ mix(split) ^ mix(~(long) color));
        PeerBootstrap boot = new PeerBootstrap(this::runWithTag, parentRanks, me, split);
        Transport t = spec.open(me, parentRanks.length, job, boot);
        try {
            boot.barrier();
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        TransportCommunicator child = new TransportCommunicator(me, parentRanks.length, spec.withJob(job), t, () -> { },
                selector, timeoutNanos, chunkBytes, membership.split(job, parentRanks));
        child.logCreation();
        return child;
    }

    /** Logs (INFO) what this new communicator is: ranks, transport, its address, the algorithms it will choose. */
    void logCreation() {
        if (LOG.info()) {
            String t = transport.describe();
            LOG.log(DebugLog.Level.INFO, "rank " + rank + "/" + size + ": communicator over " + spec.provider().name()
                    + (t.isEmpty() ? "" : " (" + t + ")") + ", timeout " + timeoutNanos / 1_000_000_000.0 + " s, cost model "
                    + selector.model() + "; algorithms: " + selector.describe(size));
        }
    }

    /** Measures the links' cost model, agreed by every rank, and chooses algorithms by it from now on. */
    void measureCosts() {
        selector.useModel(CostProbe.measure(this, this::runWithTag));
    }

    /** What chooses this communicator's algorithms, with the cost model it follows. */
    public AlgorithmSelector selector() {
        return selector;
    }

    private void runWithTag(String operation, long tag, Consumer<Schedule> body) {
        run(new Call(operation, "bootstrap", 0, tag, null, body));
    }

    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        return x ^ (x >>> 29);
    }

    // ---- running calls --------------------------------------------------------------------

    private void run(Call call) {
        execution.run(call);
    }

    private CompletableFuture<Void> async(Supplier<Call> make) {
        return execution.async(make);
    }

    private ArgumentCheck usable(String op) {
        return execution.usable(op);
    }

    @Override
    public void abort() {
        execution.breakWith(new JcclException(rank, "abort", "rank " + rank + " aborted the communicator"));
    }

    @Override
    public void close() {
        if (!execution.markClosed()) {
            return;
        }
        synchronized (this) {
            if (mailbox != null) {
                mailbox.close();
            }
        }
        try {
            transport.close();
        } finally {
            execution.release();
            try {
                rendezvous.close();
            } catch (Exception e) {
                // the store only served start-up; nothing depends on closing it cleanly
            }
        }
    }

    /** Rank, transport and what this rank is doing now; the tests print it when a deadline fires. */
    @Override
    public String toString() {
        return "jccl rank " + rank + "/" + size + " over " + spec.provider().name() + ": "
                + execution.describe();
    }
}
