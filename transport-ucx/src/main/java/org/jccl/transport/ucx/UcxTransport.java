package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Completion;
import org.jccl.spi.HandedTasks;
import org.jccl.spi.Placement;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * One rank's UCX transport. One thread at a time drives the UCX worker (UCX workers are
 * single-threaded): whoever holds the driver lock posts every operation, calls {@code progress()}
 * and runs collectives, so a message costs no thread hand-off. The progress thread holds it when
 * nobody else wants it: it runs the collectives handed over (asynchronous ones, and blocking ones
 * queued behind them) and keeps UCX moving between calls; idle, it polls for
 * {@code jccl.spinMicros}, then blocks on the worker's wake-up event, with a timer that signals it
 * while it blocks (a blocked wait has been seen to miss events). A blocking call with nothing queued
 * before it takes the lock instead and runs on the caller's own thread ({@link #runInCaller}): the
 * progress thread steps aside until it is done, so a small collective costs no thread wake-up either.
 * A wait polls without system calls for a few microseconds before it starts yielding the core,
 * except where more ranks share the machine than it has cores: there the peer a rank waits for may
 * be waiting for this very core. Endpoints are made from worker addresses exchanged through the
 * bootstrap (with each rank's {@link Placement}, to tell whether ranks outnumber the cores), with
 * peer error handling.
 *
 * <p>UCX tag = sender rank (upper 24 bits) | SPI tag (lower 40 bits), matched with a full mask, so
 * a receive names its source. Two more tag kinds carry control messages: ABORT (the sender's job
 * is broken, with the reason) and GOODBYE (the sender closed in order). Every posted operation is
 * tracked per peer, so that when a peer fails or leaves its operations fail here, with the peer
 * named, even where UCX itself would never complete them (a pending shared-memory rendezvous).
 */
final class UcxTransport implements Transport, Progress {
    private static final long SPI_TAG_MASK = (1L << TAG_BITS) - 1;
    private static final long FULL_MASK = -1L;
    /** Control kinds live above any SPI tag's kind bits: bit 39 and 38 both set plus bit 37. */
    private static final long ABORT_TAG = (7L << 37);
    private static final long GOODBYE_TAG = (7L << 37) | 1;
    private static final long CONTROL_MASK = SPI_TAG_MASK; // any sender
    private static final int CONTROL_BYTES = 4096;
    /** How long a closing transport waits for the goodbyes of peers that are still there. */
    private static final long GOODBYE_WAIT_NANOS = 200_000_000L;
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);
    /**
     * Messages up to this size carry the check word in an 8-byte trailer, copied through a pooled
     * buffer: the 64-bit UCX tag holds the sender and the SPI tag and has no room for it. Larger
     * messages would pay a copy for it, so collectives that may send them agree first instead.
     */
    static final int CHECKED_BYTES = 4096;
    /** Room for any checked message: a checked receive takes whatever checked message matches, to read its word. */
    private static final int CHECKED_WIRE_BYTES = CHECKED_BYTES + Long.BYTES;
    /** How long a waiting collective polls without yielding the core before it starts to. */
    private static final long BUSY_NANOS = 20_000L;
    /**
     * How long after a caller's last call the progress thread stays out of the way: an application
     * calling in a loop keeps the worker to itself, with no other thread spinning on its cores. It
     * spans several scheduler time slices, since a rank that shares a core is often off it for more
     * than one between two calls (4 ranks on 2 cores, 8 B allreduce: 1 ms let the progress thread
     * take over and spin there, 74–117 µs p50, against 56–98 µs with 20 ms).
     */
    private static final long CALLER_GRACE_NANOS = 20_000_000L;
    /** Idle rounds of the progress thread per clock read. */
    private static final int ROUNDS_PER_CLOCK_READ = 16;

    /**
     * A posted send or receive. It takes the caller's window (address, or offset into a heap
     * buffer, and length) when it is made, so that a message costs no buffer views; it is linked
     * into its peer's list of pending operations while posted.
     */
    private final class Op extends UcxCallback {
        final int peer;
        final boolean send;
        final ByteBuffer user;
        final int offset;
        final int length;
        /** The caller's memory, or 0 when a pooled direct buffer stands in (a heap buffer, or a trailer). */
        final long address;
        final long tag;
        /** The check word, sent or expected in an 8-byte trailer after the payload; 0: no trailer. */
        final long check;
        /** Bytes on the wire: the payload, and the trailer if there is one. */
        final int wireLength;
        /** The length of the message a receive took from UCX's queue of early ones, or -1. */
        long arrived = -1;
        final Completion done;
        /** The memory UCX reads or writes: the caller's, or the stand-in's (set when posted). */
        ByteBuffer wire;
        UcpRequest request;
        /** The request of a receive that called back, whose size is checked one round later. */
        UcpRequest calledBackWith;
        boolean finished;
        /** UCX called back (the operation may have completed inside its post). */
        boolean calledBack;
        Op previous;
        Op next;

        Op(int peer, boolean send, long tag, long check, ByteBuffer buf, Completion done) {
            this.peer = peer;
            this.send = send;
            this.tag = tag;
            this.user = buf;
            this.offset = buf.position();
            this.length = buf.remaining();
            this.check = length <= CHECKED_BYTES ? check : 0;
            this.wireLength = this.check != 0 ? length + Long.BYTES : length;
            this.address = buf.isDirect() && this.check == 0 ? UcxUtils.getAddress(buf) : 0;
            this.done = done;
        }

        @Override
        public void onSuccess(UcpRequest r) {
            calledBack = true;
            if (!send && r != null && wireLength > 0) {
                // JUCX fills in the received size after this callback returns: check it one round later
                calledBackWith = r;
                receivedLater.add(this);
                return;
            }
            received(null);
        }

        void received(UcpRequest r) {
            if (finished) {
                return; // failed meanwhile (the peer went, or the transport closed): its stand-in is released
            }
            // JUCX fills the size in either the callback's request or the one the post returned
            // (a receive matched at once from the unexpected queue); 0 in both means unknown
            long got = r == null ? wireLength : Math.max(r.getRecvSize(), request == null ? 0 : request.getRecvSize());
            if (got <= 0 && arrived >= 0) {
                got = arrived;
            }
            if (check != 0) {
                // the sender's word ends its message, whatever its length: it says more than a length would
                if (got < Long.BYTES) {
                    fail(new JcclException(rank, "recv", "message of " + Math.max(got, 0) + " B from rank " + peer
                            + " carries no check word (do all ranks call the same collective?)"));
                    return;
                }
                long theirs = wire.getLong((int) got - Long.BYTES);
                if (theirs != check) {
                    fail(new CheckMismatch(rank, peer, check, theirs));
                    return;
                }
            }
            if (got > 0 && got != wireLength) {
                fail(mismatch(peer, got - (wireLength - length), length));
                return;
            }
            if (!send && address == 0) {
                user.put(offset, wire, 0, length);
            }
            finish(null);
        }

        @Override
        public void onError(int status, String message) {
            calledBack = true;
            if (!send && status == -9) { // UCS_ERR_MESSAGE_TRUNCATED: the message is longer than the receive
                fail(new JcclException(rank, "recv", "message from rank " + peer + " is longer than the posted receive of "
                        + length + " B (do all ranks pass the same counts?)"));
            } else {
                fail(failure != null ? failure : new JcclException(rank, send ? "send" : "recv", (send ? "sending to" : "receiving from")
                        + " rank " + peer + " failed: " + message + " (UCX status " + status + ")"));
            }
        }

        void fail(JcclException cause) {
            finish(cause);
        }

        private void finish(JcclException cause) {
            if (finished) {
                return;
            }
            finished = true;
            unlink(this);
            outstanding--;
            if (!send && cause == null) {
                receivedFrom[peer]++;
            }
            if (wire != null) {
                staging.release(wire);
            }
            if (cause == null) {
                done.completed();
            } else {
                done.failed(cause);
            }
            if (!send && goodbyeCount[peer] >= 0) {
                peerLeft(peer);
            }
        }
    }

    private final int rank;
    private final int size;
    private final UcpContext context;
    private final Thread thread;
    private final HandedTasks tasks = new HandedTasks();
    /** Receives that called back, to be checked for their size on the next round; driver only. */
    private final ArrayDeque<Op> receivedLater = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> jobs = new ConcurrentLinkedQueue<>();
    /** Held by the thread driving the worker: guards the worker and all state only its driver touches. */
    private final ReentrantLock driver = new ReentrantLock();
    /** Callers waiting for or holding {@link #driver} to run their job; the progress thread steps aside for them. */
    private final AtomicInteger callers = new AtomicInteger();
    /** When the last caller let go of the driver lock ({@link System#nanoTime()}). */
    private volatile long callerLeft;
    /** Newest of each peer's posted operations, linked through {@link Op#next}; driver only. */
    private final Op[] pending;
    private final StagingPool staging = new StagingPool();
    private final boolean[] gone;
    /** Messages this rank sent to / received from each peer, and what a departed peer said it sent (-1: still here). */
    private final long[] sentTo;
    private final long[] receivedFrom;
    private final long[] goodbyeCount;
    private final String[] goodbyeReason;
    private final List<UcpRequest> controlReceives = new ArrayList<>();
    private volatile UcpWorker worker;
    private UcpEndpoint[] endpoints;
    private volatile boolean blocked;
    /** How long a wait polls before it starts yielding the core: {@link #BUSY_NANOS}, or 0 on an oversubscribed machine. */
    private volatile long busyNanos = BUSY_NANOS;
    /** Operations posted and not finished; changed only by the thread holding {@code driver}. */
    private volatile int outstanding;
    private volatile boolean stopping;
    private volatile boolean stopped;
    private JcclException failure;

    private UcxTransport(TransportContext ctx, UcpContext context) {
        this.rank = ctx.rank();
        this.size = ctx.size();
        this.context = context;
        this.gone = new boolean[size];
        this.sentTo = new long[size];
        this.receivedFrom = new long[size];
        this.goodbyeCount = new long[size];
        this.goodbyeReason = new String[size];
        Arrays.fill(goodbyeCount, -1);
        this.pending = new Op[size];
        this.callerLeft = System.nanoTime() - CALLER_GRACE_NANOS;
        this.thread = new Thread(this::runLoop, "jccl-ucx-r" + rank);
        thread.setDaemon(true);
    }

    static UcxTransport open(TransportContext ctx, UcpContext context) {
        UcxTransport t = new UcxTransport(ctx, context);
        try {
            t.connect(ctx);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void connect(TransportContext ctx) {
        thread.start();
        long deadline = System.nanoTime() + ctx.timeout().toNanos();
        byte[] address = call(() -> {
            worker = context.newWorker(new UcpWorkerParams().requestWakeupTX().requestWakeupRX());
            ByteBuffer a = worker.getAddress();
            byte[] bytes = new byte[a.remaining()];
            a.duplicate().get(bytes);
            return bytes;
        }, deadline);
        Placement placement = Placement.here();
        byte[] where = placement.encode();
        byte[][] book = ctx.bootstrap().allGather(ByteBuffer.allocate(where.length + address.length).put(where)
                .put(address).array());
        Placement[] all = new Placement[size];
        for (int p = 0; p < size; p++) {
            ByteBuffer entry = ByteBuffer.wrap(book[p]);
            all[p] = Placement.decode(entry);
            book[p] = Arrays.copyOfRange(book[p], entry.position(), book[p].length);
        }
        // more ranks on these cores than cores: a peer waited for may need this very core, so waits yield at once
        busyNanos = placement.oversubscribed(all) ? 0 : BUSY_NANOS;
        call(() -> {
            endpoints = new UcpEndpoint[size];
            for (int p = 0; p < size; p++) {
                if (p == rank) {
                    continue;
                }
                int peer = p;
                ByteBuffer remote = ByteBuffer.allocateDirect(book[p].length).put(book[p]).flip();
                endpoints[p] = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(remote).setPeerErrorHandlingMode()
                        .setErrorHandler((ep, status, message) -> peerFailed(peer, new JcclException(rank, "transport",
                                "lost rank " + peer + ": " + message + " (UCX status " + status + "; did it exit or crash?)"))));
            }
            postControlReceive(ABORT_TAG);
            postControlReceive(GOODBYE_TAG);
            return null;
        }, deadline);
        ctx.bootstrap().barrier();
    }

    /** Runs {@code task} on the worker thread and waits for its result. */
    private <T> T call(Supplier<T> task, long deadline) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof JcclException j ? j : new JcclException(rank, "connect", "UCX: " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new JcclException(rank, "connect", "the UCX worker did not answer before the timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcclException(rank, "connect", "interrupted", e);
        }
    }

    private static long ucxTag(int sender, long tag) {
        return ((long) sender << TAG_BITS) | (tag & SPI_TAG_MASK);
    }

    // ---- SPI ------------------------------------------------------------------------------

    @Override
    public void send(int peer, long tag, ByteBuffer buf, Completion done) {
        submit(new Op(peer, true, tag, 0, buf, done));
    }

    @Override
    public void recv(int peer, long tag, ByteBuffer buf, Completion done) {
        submit(new Op(peer, false, tag, 0, buf, done));
    }

    @Override
    public int checkedMessageBytes() {
        return CHECKED_BYTES;
    }

    @Override
    public void send(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        submit(new Op(peer, true, tag, check, buf, done));
    }

    @Override
    public void recv(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        submit(new Op(peer, false, tag, check, buf, done));
    }

    /**
     * Posts at once on the driving thread (the common case: no hand-off), after whatever other
     * threads handed over before (see {@link HandedTasks}).
     */
    private void submit(Op op) {
        if (driver.isHeldByCurrentThread()) {
            tasks.runAll();
            post(op);
        } else {
            onWorker(() -> post(op));
        }
    }

    private void post(Op op) {
        long tag = op.tag;
        if (failure != null) {
            op.done.failed(failure);
            return;
        }
        if (gone[op.peer] && (op.send || goodbyeCount[op.peer] < 0 || nothingLeftFrom(op.peer, 1)
                && worker.tagProbeNonBlocking(ucxTag(op.peer, tag), FULL_MASK, false) == null)) {
            op.done.failed(new JcclException(rank, "transport", "rank " + op.peer
                    + (goodbyeCount[op.peer] >= 0 ? " closed its communicator" : " is gone")));
            return;
        }
        link(op);
        outstanding++;
        if (op.send) {
            sentTo[op.peer]++;
        }
        long address = op.address;
        int capacity = op.wireLength;
        if (address == 0) {
            // a heap buffer, or a trailer: a pooled direct buffer stands in (the caller keeps the
            // window unchanged until completion); a checked receive has room for any checked
            // message, so that it can read the word of a sender in another call
            capacity = op.send || op.check == 0 ? op.wireLength : CHECKED_WIRE_BYTES;
            op.wire = staging.take(capacity);
            if (op.send) {
                op.wire.put(0, op.user, op.offset, op.length);
                if (op.check != 0) {
                    op.wire.putLong(op.length, op.check);
                }
            }
            address = UcxUtils.getAddress(op.wire);
        }
        try {
            if (op.send) {
                op.request = endpoints[op.peer].sendTaggedNonBlocking(address, op.wireLength, ucxTag(rank, tag), op);
                return;
            }
            // a message already waiting in UCX would complete the receive at once, and JUCX then does
            // not report its length: take it from the queue here, where its length is known
            UcpTagMessage early = worker.tagProbeNonBlocking(ucxTag(op.peer, tag), FULL_MASK, true);
            if (early == null) {
                op.request = worker.recvTaggedNonBlocking(address, capacity, ucxTag(op.peer, tag), FULL_MASK, op);
            } else if (early.getRecvLength() > capacity || op.check == 0 && early.getRecvLength() != op.length) {
                // first: draining it may throw (see below)
                op.fail(mismatch(op.peer, early.getRecvLength() - (op.wireLength - op.length), op.length));
                ByteBuffer sink = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, early.getRecvLength()));
                worker.recvTaggedMessageNonBlocking(UcxUtils.getAddress(sink), sink.capacity(), early, new UcxCallback());
            } else {
                op.arrived = early.getRecvLength();
                op.request = worker.recvTaggedMessageNonBlocking(address, capacity, early, op);
            }
        } catch (RuntimeException e) {
            if (op.calledBack) {
                // JUCX 1.15 on UCX 1.13: UCX completed the operation inside the post (a receive of an
                // eager message that had arrived in several fragments) and called back, then JUCX
                // threw on the request it had already released; the callback carries the outcome
                return;
            }
            op.fail(new JcclException(rank, op.send ? "send" : "recv", "UCX refused the operation with rank " + op.peer
                    + ": " + e.getMessage(), e));
        }
    }

    private void postControlReceive(long kind) {
        ByteBuffer b = ByteBuffer.allocateDirect(CONTROL_BYTES);
        UcpRequest[] self = new UcpRequest[1];
        self[0] = worker.recvTaggedNonBlocking(UcxUtils.getAddress(b), CONTROL_BYTES, kind, CONTROL_MASK, new UcxCallback() {
            @Override
            public void onSuccess(UcpRequest r) {
                controlReceives.remove(self[0]);
                int sender = (int) (r.getSenderTag() >>> TAG_BITS);
                if (kind == ABORT_TAG) {
                    byte[] why = new byte[(int) r.getRecvSize()];
                    b.get(0, why);
                    failAll(new JcclException(rank, "transport", "rank " + sender + " reported a failure: "
                            + new String(why, StandardCharsets.UTF_8)));
                } else {
                    gone[sender] = true;
                    goodbyeCount[sender] = b.getLong(0);
                    byte[] why = new byte[(int) r.getRecvSize() - 8];
                    b.get(8, why);
                    goodbyeReason[sender] = new String(why, StandardCharsets.UTF_8);
                    peerLeft(sender);
                }
                if (!stopping) {
                    postControlReceive(kind);
                }
            }
        });
        controlReceives.add(self[0]);
    }

    private void link(Op op) {
        Op head = pending[op.peer];
        op.next = head;
        if (head != null) {
            head.previous = op;
        }
        pending[op.peer] = op;
    }

    private void unlink(Op op) {
        if (op.previous == null) {
            pending[op.peer] = op.next;
        } else {
            op.previous.next = op.next;
        }
        if (op.next != null) {
            op.next.previous = op.previous;
        }
        op.previous = null;
        op.next = null;
    }

    /** A copy of the operations posted with {@code peer}, for failing them (which unlinks them). */
    private List<Op> pendingWith(int peer) {
        List<Op> ops = new ArrayList<>();
        for (Op op = pending[peer]; op != null; op = op.next) {
            ops.add(op);
        }
        return ops;
    }

    /**
     * The peer closed in order and said how many messages it had sent here. Receives still posted
     * from it can complete only while some of those have not arrived; once all have, the rest fail.
     */
    private void peerLeft(int peer) {
        if (receivedFrom[peer] < goodbyeCount[peer]) {
            return; // some of what it sent is still arriving, and may be what these receives wait for
        }
        String why = goodbyeReason[peer];
        JcclException e = new JcclException(rank, "transport", "rank " + peer + " closed its communicator"
                + (why == null || why.isEmpty() ? "" : " after its job broke: " + why));
        for (Op op : pendingWith(peer)) {
            if (!op.send) {
                op.fail(e);
                cancel(op);
            }
        }
    }

    /** True when a departed peer's messages are all received, counting {@code more} receives about to be posted. */
    private boolean nothingLeftFrom(int peer, int more) {
        long postedReceives = 0;
        for (Op op = pending[peer]; op != null; op = op.next) {
            postedReceives += op.send ? 0 : 1;
        }
        return receivedFrom[peer] + postedReceives + more > goodbyeCount[peer];
    }

    private void peerFailed(int peer, JcclException cause) {
        if (goodbyeCount[peer] >= 0) {
            return; // it said goodbye first: its endpoint closing is the orderly end, handled by peerLeft
        }
        gone[peer] = true;
        for (Op op : pendingWith(peer)) {
            op.fail(cause); // first, so that the cancellation's own callback finds it finished
            cancel(op);
        }
    }

    private void cancel(Op op) {
        if (op.request != null && !op.request.isCompleted() && !op.send) {
            try {
                worker.cancelRequest(op.request);
            } catch (RuntimeException ignored) {
                // already completing
            }
        }
    }

    private void failAll(JcclException cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        for (int p = 0; p < size; p++) {
            if (p != rank) {
                for (Op op : pendingWith(p)) {
                    op.fail(cause);
                    cancel(op);
                }
            }
        }
    }

    @Override
    public void abort(JcclException cause) {
        onWorker(() -> {
            if (failure != null) {
                return;
            }
            byte[] why = cause.getMessage().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocateDirect(Math.min(why.length, CONTROL_BYTES)).put(why, 0, Math.min(why.length, CONTROL_BYTES)).flip();
            for (int p = 0; p < size; p++) {
                if (p != rank && !gone[p]) {
                    try {
                        endpoints[p].sendTaggedNonBlocking(UcxUtils.getAddress(b), b.remaining(), ABORT_TAG | ((long) rank << TAG_BITS),
                                new UcxCallback() {
                                });
                    } catch (RuntimeException ignored) {
                        // that peer is gone already
                    }
                }
            }
            failAll(cause);
        });
    }

    @Override
    public Progress progress() {
        return this;
    }

    // ---- the worker thread -----------------------------------------------------------------

    private void onWorker(Runnable task) {
        if (driver.isHeldByCurrentThread()) {
            task.run();
        } else {
            tasks.add(task);
            wake();
        }
    }

    @Override
    public void execute(Runnable job) {
        jobs.add(job);
        wake();
    }

    /**
     * Wakes the progress thread wherever it waits: in UCX (a system call, made only when it is
     * blocked there), or parked while it gives way to callers.
     */
    private void wake() {
        if (blocked && worker != null) {
            worker.signal();
        }
        LockSupport.unpark(thread);
    }

    @Override
    public boolean inProgressThread() {
        return driver.isHeldByCurrentThread();
    }

    @Override
    public boolean runInCaller(Runnable job) {
        if (stopping || worker == null || !jobs.isEmpty()) {
            return false;
        }
        callers.incrementAndGet();
        try {
            if (blocked) {
                worker.signal(); // the progress thread waits in UCX holding the lock: wake it to hand over
            }
            driver.lock();
            try {
                // what was queued before this call runs first, in order, on the progress thread
                if (stopping || worker == null || !jobs.isEmpty()) {
                    return false;
                }
                job.run();
                return true;
            } finally {
                driver.unlock();
            }
        } finally {
            callerLeaves();
        }
    }

    /** A caller lets go: the progress thread, which gave way to it, takes over what is left. */
    private void callerLeaves() {
        callerLeft = System.nanoTime();
        if (callers.decrementAndGet() == 0 && (!jobs.isEmpty() || !tasks.isEmpty() || outstanding > 0)) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public boolean driveUntil(BooleanSupplier done, long deadlineNanos) {
        if (!driver.isHeldByCurrentThread()) {
            return follow(done, deadlineNanos);
        }
        long lastActive = System.nanoTime();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - deadlineNanos >= 0) {
                return false;
            }
            if (progressOnce(false) > 0) {
                lastActive = now;
            } else if (now - lastActive < busyNanos) {
                Thread.onSpinWait(); // a reply within microseconds is the common case: no system call for it
            } else if (now - lastActive < SPIN_NANOS) {
                Thread.yield();
            } else {
                waitForEvents(false);
                lastActive = System.nanoTime(); // spin again first: a wait that returned at once (UCX busy) must not repeat every round
            }
        }
        return true;
    }

    /**
     * Waits on a thread that does not drive (one of several asynchronous collectives in flight):
     * whoever holds the worker completes what this thread waits for, or leaves the worker to it.
     * Like a caller, it asks the progress thread to step aside.
     */
    private boolean follow(BooleanSupplier done, long deadlineNanos) {
        callers.incrementAndGet();
        try {
            while (!done.getAsBoolean()) {
                if (System.nanoTime() - deadlineNanos >= 0) {
                    return false;
                }
                if (blocked) {
                    worker.signal(); // the progress thread waits in UCX holding the lock: wake it to hand over
                }
                if (driver.tryLock()) {
                    try {
                        return driveUntil(done, deadlineNanos);
                    } finally {
                        driver.unlock();
                    }
                }
                LockSupport.parkNanos(this, 20_000L);
            }
            return true;
        } finally {
            callerLeaves();
        }
    }

    /**
     * One round of UCX progress and of the small tasks handed in (posts and aborts from other
     * threads). A collective waiting in {@link #driveUntil} runs only these; the idle loop also
     * starts the next collective job.
     */
    private int progressOnce(boolean startJob) {
        int n = 0;
        if (worker != null) {
            try {
                n += worker.progress();
            } catch (Exception e) {
                failAll(new JcclException(rank, "transport", "UCX progress failed: " + e.getMessage(), e));
            }
        }
        Op op;
        while ((op = receivedLater.poll()) != null) {
            op.received(op.calledBackWith);
            n++;
        }
        n += tasks.runAll();
        Runnable t;
        if (startJob && (t = jobs.poll()) != null) {
            t.run();
            n++;
        }
        return n;
    }

    /**
     * Blocks on the worker's wake-up event. The progress thread, idle, gives way to callers: it
     * publishes {@code blocked} before it looks at {@code callers}, and a caller the other way round,
     * so either the caller sees it blocked and signals, or it sees the caller and does not block.
     */
    private void waitForEvents(boolean giveWayToCallers) {
        if (worker == null) {
            return;
        }
        blocked = true; // before looking at the queues, which wake() fills before it looks at this flag
        try {
            if (!tasks.isEmpty() || !jobs.isEmpty() || !receivedLater.isEmpty() || giveWayToCallers && callers.get() > 0) {
                return;
            }
            WakeupTimer.INSTANCE.watch(this);
            worker.waitForEvents();
        } finally {
            blocked = false;
        }
    }

    /** True once the worker is closed. */
    boolean stopped() {
        return stopped;
    }

    /** True while operations are posted. */
    boolean hasOutstanding() {
        return outstanding > 0;
    }

    /** Wakes the worker if a thread waits in it. */
    void signalIfBlocked() {
        if (blocked && worker != null) {
            worker.signal();
        }
    }

    private void runLoop() {
        long lastActive = System.nanoTime();
        boolean active = false;
        boolean yielding = false;
        int idleRounds = 0;
        while (!stopping) {
            // a caller drives everything while it runs; after it, work handed over and operations
            // still posted (asynchronous ones) need this thread at once, and only an idle transport waits
            long giveWay = callers.get() > 0 ? CALLER_GRACE_NANOS
                    : !jobs.isEmpty() || !tasks.isEmpty() || outstanding > 0 ? 0
                    : CALLER_GRACE_NANOS - (System.nanoTime() - callerLeft);
            if (giveWay > 0) {
                LockSupport.parkNanos(this, giveWay);
                lastActive = System.nanoTime();
                continue;
            }
            driver.lock();
            try {
                // with operations posted, this thread keeps the worker until a caller asks for it:
                // taking the lock for every round of a stream costs more than the round
                do {
                    if (progressOnce(true) > 0) {
                        active = true;
                        yielding = false;
                        idleRounds = 0;
                        continue;
                    }
                    // an idle round reads the clock only now and then (a VM's clock costs tens of ns
                    // a read, a round of progress about as much); activity since the last read dates from it
                    if (idleRounds++ % ROUNDS_PER_CLOCK_READ == 0) {
                        long now = System.nanoTime();
                        if (active) {
                            lastActive = now;
                            active = false;
                        } else if (now - lastActive >= SPIN_NANOS) {
                            waitForEvents(true);
                            active = true; // spin again first: a wait that returned at once (UCX busy) must not repeat every round
                        }
                        // operations in flight answer within microseconds: a system call (sched_yield
                        // costs microseconds on a VM) only once nothing is posted and the wait is long
                        yielding = !active && outstanding == 0 && now - lastActive >= busyNanos;
                    }
                    Thread.onSpinWait();
                } while (outstanding > 0 && callers.get() == 0 && !stopping);
            } finally {
                driver.unlock();
            }
            if (yielding) {
                Thread.yield();
            }
        }
        driver.lock();
        try {
            shutdownWorker();
        } finally {
            driver.unlock();
        }
        stopped = true;
        Runnable job;
        while ((job = jobs.poll()) != null) {
            job.run(); // collectives handed over while closing fail at once against the closed transport
        }
    }

    // ---- close ----------------------------------------------------------------------------

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        if (!thread.isAlive()) {
            UcxTransportProvider.release();
            stopping = true;
            stopped = true;
            return;
        }
        CompletableFuture<Void> said = new CompletableFuture<>();
        onWorker(() -> sayGoodbye(said));
        try {
            said.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // peers that are gone cannot be told
        }
        stopping = true;
        if (worker != null) {
            worker.signal();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        UcxTransportProvider.release();
    }

    private void sayGoodbye(CompletableFuture<Void> said) {
        if (endpoints == null) {
            said.complete(null);
            return;
        }
        int[] left = {0};
        for (int p = 0; p < size; p++) {
            if (p != rank && !gone[p]) {
                left[0]++;
                // how many messages it sent that peer, then why its job broke (if it did)
                byte[] why = failure == null ? new byte[0] : failure.getMessage().getBytes(StandardCharsets.UTF_8);
                int whyBytes = Math.min(why.length, CONTROL_BYTES - 8);
                ByteBuffer goodbye = ByteBuffer.allocateDirect(8 + whyBytes).putLong(0, sentTo[p]).put(8, why, 0, whyBytes);
                try {
                    endpoints[p].sendTaggedNonBlocking(UcxUtils.getAddress(goodbye), goodbye.capacity(),
                            GOODBYE_TAG | ((long) rank << TAG_BITS),
                            new UcxCallback() {
                                @Override
                                public void onSuccess(UcpRequest r) {
                                    if (--left[0] == 0) {
                                        said.complete(null);
                                    }
                                }

                                @Override
                                public void onError(int status, String message) {
                                    onSuccess(null);
                                }
                            });
                } catch (RuntimeException e) {
                    left[0]--;
                }
            }
        }
        if (left[0] == 0) {
            said.complete(null);
        }
    }

    /**
     * Peers close at about the same time as this rank; their goodbyes, arriving after the worker
     * stopped listening, would sit unmatched (UCX warns of each when the worker goes). So a closing
     * worker waits a little for the goodbye of every peer still there.
     */
    private void awaitGoodbyes() {
        long deadline = System.nanoTime() + GOODBYE_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int p = 0; p < size; p++) {
                all &= p == rank || gone[p] || goodbyeCount[p] >= 0;
            }
            if (all) {
                return;
            }
            try {
                worker.progress();
            } catch (Exception e) {
                return;
            }
        }
    }

    /** Receives and drops whatever arrived unasked, so that the worker closes with nothing unmatched. */
    private void discardUnexpected() {
        ByteBuffer sink = ByteBuffer.allocateDirect(CONTROL_BYTES);
        UcpTagMessage m;
        try {
            while ((m = worker.tagProbeNonBlocking(0, 0, true)) != null) {
                int length = (int) Math.min(Integer.MAX_VALUE, m.getRecvLength());
                if (sink.capacity() < length) {
                    sink = ByteBuffer.allocateDirect(length);
                }
                UcpRequest r = worker.recvTaggedMessageNonBlocking(UcxUtils.getAddress(sink), length, m, new UcxCallback());
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (!r.isCompleted() && System.nanoTime() < deadline) {
                    worker.progress();
                }
            }
        } catch (Exception e) {
            // the worker is going anyway
        }
    }

    /** The closing order of the notes: cancel receives, close endpoints, then the worker. */
    private void shutdownWorker() {
        if (worker == null) {
            return;
        }
        JcclException closed = new JcclException(rank, "transport", "the transport is closed");
        failAll(closed);
        awaitGoodbyes();
        for (UcpRequest r : new ArrayList<>(controlReceives)) {
            try {
                worker.cancelRequest(r);
            } catch (RuntimeException ignored) {
                // completed meanwhile
            }
        }
        List<UcpRequest> closing = new ArrayList<>();
        if (endpoints != null) {
            for (int p = 0; p < size; p++) {
                UcpEndpoint ep = endpoints[p];
                if (ep != null) {
                    try {
                        // flush delivers what is still in flight to a live peer; a dead peer can only be forced
                        closing.add(gone[p] && goodbyeCount[p] < 0 ? ep.closeNonBlockingForce() : ep.closeNonBlockingFlush());
                    } catch (RuntimeException ignored) {
                        // already failed
                    }
                }
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && closing.stream().anyMatch(r -> r != null && !r.isCompleted())) {
            try {
                worker.progress();
            } catch (Exception e) {
                break;
            }
        }
        if (closing.stream().anyMatch(r -> r != null && !r.isCompleted())) {
            for (UcpEndpoint ep : endpoints) {
                if (ep == null) {
                    continue;
                }
                try {
                    ep.closeNonBlockingForce(); // a flush that cannot finish: the peer is stuck or gone
                } catch (RuntimeException ignored) {
                    // closed already
                }
            }
        }
        for (int i = 0; i < 100; i++) {
            try {
                worker.progress();
            } catch (Exception e) {
                break;
            }
        }
        discardUnexpected();
        worker.close();
        worker = null; // anything that still runs here now fails instead of touching a closed worker
        staging.clear();
    }

    private JcclException mismatch(int peer, long message, int receive) {
        return new JcclException(rank, "recv", "message of " + message + " B from rank " + peer
                + " does not match the posted receive of " + receive + " B (do all ranks pass the same counts?)");
    }
}
