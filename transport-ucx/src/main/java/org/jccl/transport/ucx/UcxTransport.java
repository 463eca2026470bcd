package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jccl.JcclException;
import org.jccl.spi.Completion;
import org.jccl.spi.Placement;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * One rank's UCX transport: one UCX worker with an endpoint to each peer it talks to, made on first
 * use from worker addresses exchanged through the bootstrap (with each rank's {@link Placement}, to tell whether
 * ranks outnumber the cores). Its parts:
 * <ul>
 *   <li>{@link Endpoints}: one per peer, made on demand, with peer error handling, a single-copy one beside it for
 *       large messages to a peer on the same machine, and how they close;</li>
 *   <li>{@link SingleCopyLanes}: which messages take the single-copy endpoint;</li>
 *   <li>{@link WorkerDriver}: who drives the worker (the caller, else a progress thread) and how
 *       a wait polls, yields and blocks;</li>
 *   <li>{@link PostedOp}: one send or receive, its check-word trailer and its length check;</li>
 *   <li>{@link PeerLedger}: what is posted with each peer, so that it fails when the peer goes;</li>
 *   <li>{@link ControlMessages}: the ABORT and GOODBYE messages beside the data.</li>
 * </ul>
 *
 * <p>Tags as {@link UcxTags} lays them out: the sender rank and the SPI tag, matched with a full
 * mask, so a receive names its source.
 */
final class UcxTransport implements Transport, WorkerDriver.Worker, ControlMessages.Listener {
    private static final long FULL_MASK = -1L;
    /**
     * Messages up to this size carry the check word in an 8-byte trailer, copied through a pooled
     * buffer: the 64-bit UCX tag holds the sender and the SPI tag and has no room for it. Larger
     * messages would pay a copy for it, so collectives that may send them agree first instead.
     */
    static final int CHECKED_BYTES = 4096;
    /** Room for any checked message: a checked receive takes whatever checked message matches, to read its word. */
    private static final int CHECKED_WIRE_BYTES = CHECKED_BYTES + Long.BYTES;
    /** How long a closing transport waits for what it and its peers gave up to settle, before it forces. */
    private static final long SETTLE_NANOS = 1_000_000_000L;

    private final int rank;
    private final int size;
    private final UcpContext context;
    private final WorkerDriver driver;
    private final PeerLedger ledger;
    private final SingleCopyLanes lanes;
    /** Receives that called back, to be checked for their size on the next round; driver only. */
    private final ArrayDeque<PostedOp> receivedLater = new ArrayDeque<>();
    private final StagingPool staging = new StagingPool();
    /** Operations posted without a callback that did not complete inside their post, looked at on every round; driver only. */
    private final ArrayList<PostedOp> polled = new ArrayList<>();
    /** Operations that ended cleanly, for the next messages; driver only. */
    private final PostedOpPool ops = new PostedOpPool(this);
    /** Requests UCX still holds for operations that failed, by peer; driver only. */
    private final AbandonedRequests abandoned;
    private volatile UcpWorker worker;
    /** Held while signalling the worker and while destroying it, so that no signal meets a destroyed worker. */
    private final Object signalLock = new Object();
    private Endpoints endpoints;
    private ControlMessages control;
    private JcclException failure;

    private UcxTransport(TransportContext ctx, UcpContext context) {
        this.rank = ctx.rank();
        this.size = ctx.size();
        this.context = context;
        this.ledger = new PeerLedger(size);
        this.lanes = new SingleCopyLanes(size);
        this.abandoned = new AbandonedRequests(size);
        this.driver = new WorkerDriver("jccl-ucx-r" + rank);
    }

    static UcxTransport open(TransportContext ctx, UcpContext context) {
        if (ctx.size() > UcxTags.MAX_RANKS) {
            throw new JcclException(ctx.rank(), "connect", "the ucx transport's tags name at most " + UcxTags.MAX_RANKS
                    + " ranks, not " + ctx.size());
        }
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
        driver.start();
        long deadline = System.nanoTime() + ctx.timeout().toNanos();
        byte[] address = driver.call(rank, () -> {
            worker = context.newWorker(new UcpWorkerParams().requestWakeupTX().requestWakeupRX());
            driver.drive(this);
            ByteBuffer a = worker.getAddress();
            byte[] bytes = new byte[a.remaining()];
            a.duplicate().get(bytes);
            return bytes;
        }, deadline);
        Placement placement = Placement.here();
        byte[] where = placement.encode();
        int singleCopy = SingleCopyLanes.own(CHECKED_WIRE_BYTES);
        byte[][] book = ctx.bootstrap().allGather(ByteBuffer.allocate(where.length + Integer.BYTES + address.length)
                .put(where).putInt(singleCopy).put(address).array());
        Placement[] all = new Placement[size];
        for (int p = 0; p < size; p++) {
            ByteBuffer entry = ByteBuffer.wrap(book[p]);
            all[p] = Placement.decode(entry);
            int theirs = entry.getInt();
            book[p] = Arrays.copyOfRange(book[p], entry.position(), book[p].length);
            if (p != rank) {
                lanes.agree(p, singleCopy, placement, theirs, all[p]);
            }
        }
        // more ranks on these cores than cores: a peer waited for may need this very core, so waits yield at once
        driver.oversubscribed(placement.oversubscribed(all));
        driver.call(rank, () -> {
            endpoints = new Endpoints(rank, worker, book, lanes::has, this::peerFailed);
            control = new ControlMessages(rank, worker, this);
            return null;
        }, deadline);
        ctx.bootstrap().barrier();
    }

    // ---- SPI ------------------------------------------------------------------------------

    @Override
    public void send(int peer, long tag, ByteBuffer buf, Completion done) {
        submit(peer, true, false, tag, 0, buf, done);
    }

    @Override
    public void recv(int peer, long tag, ByteBuffer buf, Completion done) {
        submit(peer, false, false, tag, 0, buf, done);
    }

    @Override
    public void recvUpTo(int peer, long tag, ByteBuffer buf, Completion done) {
        submit(peer, false, true, tag, 0, buf, done);
    }

    @Override
    public int checkedMessageBytes() {
        return CHECKED_BYTES;
    }

    @Override
    public void send(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        submit(peer, true, false, tag, check, buf, done);
    }

    @Override
    public void recv(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        submit(peer, false, false, tag, check, buf, done);
    }

    /** A peer on this machine with the single-copy lane, which means UCX may use shared memory with it. */
    @Override
    public boolean staysOnMachine(int peer) {
        return lanes.has(peer);
    }

    @Override
    public List<Integer> lostPeers() {
        return ledger.gonePeers();
    }

    @Override
    public String describe() {
        String tls = System.getenv("UCX_TLS");
        return "UCX_TLS=" + (tls == null ? "(UCX's choice)" : tls) + ", single-copy lane to " + lanes.count() + " of "
                + (size - 1) + " peers";
    }

    @Override
    public Progress progress() {
        return driver;
    }

    /**
     * Posts at once on the driving thread (the common case: no hand-off, and an operation from the
     * pool), after whatever other threads handed over before.
     */
    private void submit(int peer, boolean send, boolean upTo, long tag, long check, ByteBuffer buf, Completion done) {
        if (driver.catchUp()) {
            post(ops.take(peer, send, upTo, tag, check, buf, done));
        } else {
            PostedOp op = new PostedOp(this).reset(peer, send, upTo, tag, check, buf, done);
            driver.onWorker(() -> post(op));
        }
    }

    private void post(PostedOp op) {
        int peer = op.peer;
        if (failure != null) {
            op.fail(failure);
            return;
        }
        if (ledger.gone(peer) && (op.send || !ledger.leftInOrder(peer) || ledger.nothingLeftFrom(peer, 1)
                && worker.tagProbeNonBlocking(UcxTags.data(peer, op.tag, lanes.carries(op)), FULL_MASK, false) == null)) {
            op.fail(ledger.leftInOrder(peer) ? leftInOrder(peer)
                    : new JcclException(rank, "transport", "rank " + peer + " is gone"));
            return;
        }
        ledger.posted(op);
        long address = op.address;
        int capacity = op.wireLength;
        if (address == 0) {
            // a heap buffer, or a trailer: a pooled direct buffer stands in (the caller keeps the
            // window unchanged until completion); a checked receive has room for any checked
            // message, so that it can read the word of a sender in another call
            capacity = op.send || op.check == 0 ? op.wireLength : CHECKED_WIRE_BYTES;
            op.staged = staging.take(capacity);
            if (op.send) {
                op.fillWire();
            }
            address = op.staged.address;
        }
        try {
            if (op.send) {
                // no callback: JUCX calls back into Java only for a callback, and a small send completes in its post
                boolean lane = lanes.carries(op);
                op.request = endpoints.forData(peer, lane).sendTaggedNonBlocking(address, op.wireLength,
                        UcxTags.data(rank, op.tag, lane), null);
                poll(op);
                return;
            }
            if (!op.upTo) {
                endpoints.to(peer); // not to receive (the worker matches), but so that UCX reports the peer's loss
            }
            // a message already waiting in UCX would complete the receive at once, and JUCX then does
            // not report its length: take it from the queue here, where its length is known
            long tag = UcxTags.data(peer, op.tag, lanes.carries(op));
            // an up-to receive cannot tell its message's lane from its length: it takes either
            long mask = op.upTo ? UcxTags.EITHER_LANE : FULL_MASK;
            UcpTagMessage early = worker.tagProbeNonBlocking(tag, mask, true);
            if (early == null) {
                // nothing of it has arrived, so nothing completes inside the post: no callback needed
                op.request = worker.recvTaggedNonBlocking(address, capacity, tag, mask, null);
                poll(op);
            } else if (early.getRecvLength() > capacity
                    || op.check == 0 && !op.upTo && early.getRecvLength() != op.wireLength) {
                op.fail(op.mismatch(early.getRecvLength())); // first: draining it may throw (see below)
                abandoned.drop(worker, early);
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
            op.fail(new JcclException(rank, op.send ? "send" : "recv", "UCX refused the operation with rank " + peer
                    + ": " + e.getMessage(), e));
        }
    }

    // ---- what posted operations tell the transport -------------------------------------------

    int rank() {
        return rank;
    }

    /** Why the transport is broken, or null. */
    JcclException failure() {
        return failure;
    }

    /** A receive called back; its size is checked on the next round, when JUCX has filled it in. */
    void checkLater(PostedOp op) {
        receivedLater.add(op);
    }

    /**
     * {@code op} finished (before its completion runs): it leaves the ledger and gives back its
     * stand-in, unless UCX still holds the request (the op was given up), which may yet use it.
     */
    void finished(PostedOp op, boolean ok) {
        if (op.staged != null && !op.heldByUcx()) {
            staging.release(op.staged);
        }
        if (op.linked) {
            ledger.finished(op, ok);
        }
    }

    /**
     * After {@code op}'s completion: a receive from a peer that left may have been its last. An
     * operation that succeeded, and whose request UCX is done with, is kept for the next message.
     */
    void afterFinished(PostedOp op, boolean ok) {
        if (!op.send && ledger.leftInOrder(op.peer)) {
            peerLeft(op.peer);
        }
        if (ok && !op.heldByUcx()) {
            ops.give(op);
        }
    }

    // ---- peers that go ----------------------------------------------------------------------

    @Override
    public void aborted(int peer, String reason) {
        failAll(new JcclException(rank, "transport", "rank " + peer + " reported a failure: " + reason));
    }

    @Override
    public void saidGoodbye(int peer, long count, String reason) {
        ledger.saidGoodbye(peer, count, reason);
        peerLeft(peer);
    }

    /**
     * The peer closed in order and said how many messages it had sent here. Receives still posted
     * from it can complete only while some of those have not arrived; once all have, the rest fail.
     */
    private void peerLeft(int peer) {
        if (!ledger.allArrivedFrom(peer)) {
            return; // some of what it sent is still arriving, and may be what these receives wait for
        }
        JcclException e = leftInOrder(peer);
        for (PostedOp op : ledger.pendingWith(peer)) {
            if (!op.send) {
                giveUp(op, e);
            }
        }
    }

    /** The failure of an operation with a peer that closed in order: why its job broke, if it did, is the cause. */
    private JcclException leftInOrder(int peer) {
        String why = ledger.goodbyeReason(peer);
        return new JcclException(rank, "transport", "rank " + peer + " closed its communicator"
                + (why == null || why.isEmpty() ? "" : " after its job broke: " + why));
    }

    private void peerFailed(int peer, JcclException cause) {
        if (ledger.leftInOrder(peer)) {
            return; // it said goodbye first: its endpoint closing is the orderly end, handled by peerLeft
        }
        ledger.markGone(peer);
        for (PostedOp op : ledger.pendingWith(peer)) {
            giveUp(op, cause);
        }
    }

    /**
     * Fails {@code op} and lets UCX go of it where it can: a receive not yet matched is cancelled;
     * a send, or a receive whose message is already coming in, runs on in UCX until it ends or its
     * endpoint is forced closed, so its request is kept among the {@link AbandonedRequests}.
     */
    private void giveUp(PostedOp op, JcclException cause) {
        op.fail(cause); // first, so that the cancellation's own callback finds it finished
        if (op.heldByUcx()) {
            if (!op.send) {
                try {
                    worker.cancelRequest(op.request);
                } catch (RuntimeException ignored) {
                    // already completing
                }
            }
            abandoned.add(op.peer, op.request, op.staged, lanes.carries(op)); // UCX may still use the stand-in
        }
    }

    private void failAll(JcclException cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        for (int p = 0; p < size; p++) {
            if (p != rank) {
                for (PostedOp op : ledger.pendingWith(p)) {
                    giveUp(op, cause);
                }
            }
        }
    }

    @Override
    public void abort(JcclException cause) {
        driver.onWorker(() -> {
            if (failure != null) {
                return;
            }
            for (int p = 0; p < size; p++) {
                if (p != rank && !ledger.gone(p)) {
                    control.sendAbort(endpoints.to(p), cause.getMessage());
                }
            }
            failAll(cause);
        });
    }

    // ---- the worker, as the driver drives it ------------------------------------------------

    @Override
    public int progressOnce() {
        int n = 0;
        UcpWorker w = worker;
        if (w != null) {
            try {
                n += w.progress();
            } catch (Exception e) {
                failAll(new JcclException(rank, "transport", "UCX progress failed: " + e.getMessage(), e));
            }
        }
        if (!polled.isEmpty()) {
            n += requestsCompleted();
        }
        PostedOp op;
        while ((op = receivedLater.poll()) != null) {
            op.checkReceived();
            n++;
        }
        return n;
    }

    /** Finishes {@code op}, posted without a callback, if it completed in its post; else looks at it every round. */
    private void poll(PostedOp op) {
        if (op.request.isCompleted()) {
            op.requestCompleted();
        } else {
            polled.add(op);
        }
    }

    /** Finishes the polled operations whose requests completed, in the order they were posted; returns how many. */
    private int requestsCompleted() {
        int n = 0;
        for (int i = 0; i < polled.size(); ) {
            PostedOp op = polled.get(i);
            if (op.request.isCompleted()) {
                polled.remove(i);
                op.requestCompleted();
                n++;
            } else {
                i++;
            }
        }
        return n;
    }

    @Override
    public boolean hasOutstanding() {
        return ledger.hasOutstanding();
    }

    @Override
    public boolean hasCompletions() {
        return !receivedLater.isEmpty();
    }

    @Override
    public void waitForEvents() {
        if (!failCrossLaneReceives()) {
            worker.waitForEvents();
        }
    }

    /**
     * Fails the receives whose message came on the other lane of a peer with a single-copy endpoint:
     * its length is on the other side of the lanes' line, so it never matches, and without this the
     * receive would wait for the timeout instead of naming both lengths. Looked for only before the
     * worker blocks, which a receive whose message is there soon never sees; returns true if any failed.
     */
    private boolean failCrossLaneReceives() {
        boolean failed = false;
        for (int p = 0; p < size; p++) {
            if (!lanes.has(p) || !ledger.anyPendingWith(p)) {
                continue;
            }
            for (PostedOp op : ledger.pendingWith(p)) {
                UcpTagMessage m = op.send || op.upTo || !op.heldByUcx() ? null
                        : worker.tagProbeNonBlocking(UcxTags.data(p, op.tag, !lanes.carries(op)), FULL_MASK, true);
                if (m != null) {
                    giveUp(op, op.mismatch(m.getRecvLength() + op.trailerLength())); // its own length, as sent
                    abandoned.drop(worker, m);
                    failed = true;
                }
            }
        }
        return failed;
    }

    /** Any thread; never on a worker being destroyed (a closing rank signals while its worker closes). */
    @Override
    public void signal() {
        synchronized (signalLock) {
            UcpWorker w = worker;
            if (w != null) {
                w.signal();
            }
        }
    }

    // ---- close ----------------------------------------------------------------------------

    @Override
    public void close() {
        if (driver.stopping()) {
            return;
        }
        if (!driver.running()) {
            UcxTransportProvider.release();
            driver.stop();
            return;
        }
        CompletableFuture<Void> said = new CompletableFuture<>();
        driver.onWorker(() -> sayGoodbye(said));
        try {
            said.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // peers that are gone cannot be told
        }
        driver.stop();
        UcxTransportProvider.release();
    }

    private void sayGoodbye(CompletableFuture<Void> said) {
        if (endpoints == null || control == null) {
            said.complete(null);
            return;
        }
        // why its job broke, if it did
        String why = failure == null ? "" : failure.getMessage();
        int[] left = {0};
        for (int p = 0; p < size; p++) {
            left[0] += owesGoodbye(p) ? 1 : 0;
        }
        if (left[0] == 0) {
            said.complete(null);
            return;
        }
        for (int p = 0; p < size; p++) {
            if (owesGoodbye(p)) {
                control.sendGoodbye(endpoints.to(p), ledger.sentTo(p), why, () -> {
                    if (--left[0] == 0) {
                        said.complete(null);
                    }
                });
            }
        }
    }

    /**
     * The closing order of the notes: fail what is pending, hear the goodbyes, let what was given up
     * settle, close the endpoints (forced where something is left, since UCX aborts on destroying an
     * endpoint with a protocol in progress), then the worker.
     */
    @Override
    public void shutdown() {
        if (worker == null) {
            return;
        }
        failAll(new JcclException(rank, "transport", "the transport is closed"));
        if (control != null) {
            // the goodbyes of the peers still there, after which nothing more comes from them;
            // meanwhile the peers, closing too, take what this rank gave up sending, and it theirs
            control.progressUntil(this::everyPeerLeft, System.nanoTime() + ControlMessages.GOODBYE_WAIT_NANOS,
                    abandoned);
            control.progressUntil(() -> abandoned.settledExcept(this::mustForce), System.nanoTime() + SETTLE_NANOS,
                    abandoned);
        }
        boolean destroyable = endpoints == null || endpoints.close(p -> mustForce(p) || !abandoned.settled(p),
                p -> mustForce(p) || !abandoned.settledOnSingleCopy(p));
        if (control != null) {
            // it listens until here, so that a late peer's abort or goodbye is taken, and then drops
            // what arrives until the cancellations are through
            control.close();
            control.progressUntil(() -> abandoned.allSettled() && control.closed(),
                    System.nanoTime() + SETTLE_NANOS, abandoned);
        }
        synchronized (signalLock) {
            if (destroyable) {
                worker.close();
            } else {
                // a single-copy endpoint still holds a request UCX cannot drop: destroying the worker
                // would abort the process, so it stays, with the context, until the process ends
                UcxTransportProvider.keepContext();
            }
            worker = null; // anything that still runs here now fails instead of touching a closed worker
        }
        staging.clear();
    }

    /**
     * Whether this rank tells {@code peer} it closes: every peer it has endpoints to (it posted a send
     * or a receive with it, so the peer did likewise with this rank and waits to hear), and, when its
     * job broke, every peer, which may wait for a message from this rank that will never come.
     */
    private boolean owesGoodbye(int peer) {
        return peer != rank && !ledger.gone(peer) && (failure != null || endpoints.has(peer));
    }

    /** True when every peer this rank has endpoints to has said goodbye or is gone. */
    private boolean everyPeerLeft() {
        for (int p = 0; p < size; p++) {
            if (p != rank && !ledger.gone(p) && endpoints.has(p)) {
                return false;
            }
        }
        return true;
    }

    /** A peer that failed without closing in order: only a forced close ends its endpoint. */
    private boolean mustForce(int peer) {
        return ledger.gone(peer) && !ledger.leftInOrder(peer);
    }
}
