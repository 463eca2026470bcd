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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jccl.Communicator;
import org.jccl.Configuration;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.core.CommunicatorStatus;
import org.jccl.core.Schedule;
import org.jccl.core.ScheduleRunner;
import org.jccl.core.ScratchPool;
import org.jccl.core.Tags;
import org.jccl.core.Windows;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;

/**
 * The communicator. Each call becomes a {@link Call} on the caller's thread ({@link CollectiveCalls}:
 * arguments checked, algorithm chosen), then a {@link Schedule} of non-blocking steps, which the
 * {@link ScheduleRunner} runs: a blocking call's on the caller's own thread, which drives the
 * transport while it waits; an asynchronous one wherever the communicator is driven next, so that
 * collectives in flight together overlap on the wire without a thread each. An asynchronous send or
 * receive only posts its message, and the transport's completion ends its future
 * ({@link PostedMessage}). Ranks that called different things find out from the collective's
 * messages or a round before them ({@link ArgumentAgreement}); that, and any other failure, breaks
 * the communicator on every rank.
 */
public final class TransportCommunicator implements Communicator {
    private static final boolean CHECK_ARGUMENTS = Boolean.parseBoolean(
            System.getProperty(Configuration.PROP_CHECK_ARGUMENTS, "true"));

    private final int rank;
    private final int size;
    private final TransportSpec spec;
    private final Transport transport;
    private final AutoCloseable rendezvous;
    private final AlgorithmSelector selector;
    private final CollectiveCalls calls;
    private final long timeoutNanos;
    private final int chunkBytes;
    /** Scratch memory, one pool per collective in flight (a blocking one and the asynchronous ones). */
    private final ConcurrentLinkedQueue<ScratchPool> scratch = new ConcurrentLinkedQueue<>();
    /** Runs the schedules: blocking ones on their callers, asynchronous ones wherever the communicator is driven. */
    private final ScheduleRunner runner;
    private final CommunicatorStatus status = new CommunicatorStatus();
    /** Where an asynchronous send or receive is posted: in order with the blocking calls that follow it. */
    private final Executor jobs;
    private long sequence;
    private long splits;
    private ByteBuffer staging;
    private FloatBuffer stagingFloats;
    private DoubleBuffer stagingDoubles;
    private IntBuffer stagingInts;
    private LongBuffer stagingLongs;
    private volatile JcclException broken;
    private volatile boolean closed;

    TransportCommunicator(int rank, int size, TransportSpec spec, Transport transport, AutoCloseable rendezvous,
                          AlgorithmSelector selector, long timeoutNanos, int chunkBytes) {
        this.rank = rank;
        this.size = size;
        this.spec = spec;
        this.transport = transport;
        this.rendezvous = rendezvous;
        this.selector = selector;
        this.calls = new CollectiveCalls(rank, size, selector, this::usable);
        this.timeoutNanos = timeoutNanos;
        this.chunkBytes = chunkBytes;
        Progress p = transport.progress();
        this.runner = new ScheduleRunner(p, "jccl-progress-r" + rank);
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
        PostedMessage m = new PostedMessage(rank, op, send, peer, w.remaining(), this::breakWith, status);
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
        return new TransportCommunicator(me, parentRanks.length, spec.withJob(job), t, () -> { }, selector,
                timeoutNanos, chunkBytes);
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
        long tag = nextTag(call);
        Schedule s = schedule(call, tag, sequence, null);
        runner.run(s);
        RuntimeException e = s.failure();
        if (e != null) {
            throw failure(call, e);
        }
    }

    private CompletableFuture<Void> async(Supplier<Call> make) {
        CollectiveFuture f = new CollectiveFuture(runner);
        Schedule s;
        try {
            Call call = make.get();
            s = schedule(call, nextTag(call), sequence, f);
        } catch (JcclException e) {
            return CompletableFuture.failedFuture(e);
        }
        f.bind(s);
        runner.start(s);
        return f;
    }

    private long nextTag(Call call) {
        return call.pointToPointTag() >= 0 ? call.pointToPointTag() : Tags.collective(++sequence);
    }

    /**
     * The call's schedule: the round that checks arguments where messages carry no check word, then
     * the algorithm's steps. When it finishes, its scratch memory goes back to the pool and the
     * future of an asynchronous call (else null) learns how it ended.
     */
    private Schedule schedule(Call call, long tag, long seq, CollectiveFuture future) {
        usable(call.operation());
        Signature signature = checkedSignature(call);
        // no message of a collective is longer than its largest buffer
        int limit = transport.checkedMessageBytes();
        boolean checked = signature != null && limit > 0 && (limit == Integer.MAX_VALUE || call.longest() <= limit);
        ScratchPool pool = scratch.poll();
        if (pool == null) {
            pool = new ScratchPool();
        }
        // the word goes with every message the transport can check, the round's too: a rank that
        // agrees first then still learns from the first message of a rank that did not, and the other way round
        Schedule s = new Schedule(transport, rank, size, call.operation(), call.algorithm(), tag,
                signature != null ? signature.word() : 0, seq, call.bytes(), timeoutNanos, pool, chunkBytes);
        try {
            if (signature != null && !checked) {
                ArgumentAgreement.verify(s, call.operation(), signature);
            }
            call.body().accept(s);
        } catch (RuntimeException e) {
            scratch.add(pool);
            throw e;
        }
        ScratchPool used = pool;
        s.onFinish(() -> {
            status.end();
            scratch.add(used);
            if (future != null) {
                RuntimeException e = s.failure();
                future.ended(e == null ? null : failure(call, e));
            }
        });
        status.begin(s, seq);
        return s;
    }

    /** What ranks must agree on for {@code call}, or null when nothing is checked. */
    private Signature checkedSignature(Call call) {
        return CHECK_ARGUMENTS && size > 1 ? call.signature() : null;
    }

    /** What the caller sees of a schedule's failure; any failure breaks the communicator. */
    private RuntimeException failure(Call call, RuntimeException e) {
        Signature signature = checkedSignature(call);
        JcclException j;
        if (e instanceof CheckMismatch m) {
            j = signature == null ? m : ArgumentAgreement.named(rank, call.operation(), signature, m);
        } else if (e instanceof JcclException f) {
            JcclException m = ArgumentAgreement.reported(rank, call.operation(), f);
            j = m != null ? m : f;
        } else {
            j = new JcclException(rank, call.operation(), "internal error: " + e, e);
        }
        breakWith(j);
        return j;
    }

    private ArgumentCheck usable(String op) {
        if (closed) {
            throw new JcclException(rank, op, "the communicator is closed");
        }
        JcclException b = broken;
        if (b != null) {
            throw new JcclException(rank, op, "the communicator is broken by an earlier failure: " + b.getMessage(), b);
        }
        return new ArgumentCheck(rank, size, op);
    }

    private void breakWith(JcclException e) {
        if (broken == null) {
            broken = e;
        }
        transport.abort(e);
    }

    @Override
    public void abort() {
        JcclException e = new JcclException(rank, "abort", "rank " + rank + " aborted the communicator");
        if (broken == null) {
            broken = e;
        }
        transport.abort(e);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            transport.close();
        } finally {
            runner.close();
            scratch.forEach(ScratchPool::release);
            scratch.clear();
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
                + (closed ? "closed" : broken != null ? "broken (" + broken.getMessage() + ")" : status.describe());
    }
}
