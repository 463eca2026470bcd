package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jccl.Configuration;
import org.jccl.Envelope;
import org.jccl.JcclException;
import org.jccl.Mailbox;
import org.jccl.MatchedMessage;
import org.jccl.TruncatedMessage;
import org.jccl.communicator.MatchQueues.Arrival;
import org.jccl.communicator.MatchQueues.Receive;
import org.jccl.core.Tags;
import org.jccl.core.Windows;
import org.jccl.spi.Completion;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;

/**
 * MPI's matching done in software over the SPI's exact tagged messages, the way Open MPI's ob1
 * layer does it over byte transports.
 *
 * <p><b>Wire.</b> Every message starts with an envelope on one tag ({@link Tags#mailboxEnvelope()}):
 * <pre>
 *  0       4        8                 16     17        24
 * | tag    | length | number n (pair) | mode | padding | payload, when length <= eager bytes
 * </pre>
 * A message up to {@link Configuration#PROP_MAILBOX_EAGER_BYTES} travels inside its envelope: one
 * message on the wire, copied once into the receive's buffer. A longer one follows its envelope as
 * a message of its own on {@link Tags#mailboxData(long) data tag n}, which the receiver posts into
 * the receive's buffer once the envelope matched (the transport's rendezvous holds it until then, so
 * it is never copied). A synchronous send also posts a receive on {@link Tags#mailboxMatched(long)
 * tag n}, which the receiver answers with an empty message when a receive matches the envelope.
 *
 * <p><b>Matching.</b> Each peer has one up-to receive for envelopes posted at all times (from the
 * first use on); {@link MatchQueues} matches what comes against the receives posted. The transport
 * keeps envelopes FIFO per peer, which gives MPI's order per (source, tag). A rank's messages to
 * itself skip the transport and enter the queues directly (copied, so a send to oneself never waits
 * for its receive).
 *
 * <p><b>Progress.</b> Envelope receives stand: no helper thread drives the transport for them
 * ({@link Transport#recvUpTo}), so messages are matched when a caller drives, in a blocking call,
 * a wait, a probe or a look at a future ({@code isDone}), as in MPI. A blocking call runs on its
 * caller, which posts with no hand-off ({@link Progress#runInCaller}).
 *
 * <p><b>Cost.</b> A short message costs what a transport message of 24 more bytes costs, plus a
 * copy; a long one two messages (24 B, then the data), back to back.
 */
final class MatchingMailbox implements Mailbox {
    private static final int HEADER_BYTES = 24;
    /** How long a probe that finds nothing drives the transport before it says so. */
    private static final long LOOK_NANOS = 10_000L;
    private static final byte EAGER = 1;
    private static final byte SYNCHRONOUS = 2;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);
    private static final Completion IGNORED = new Completion() {
        @Override
        public void completed() {
        }

        @Override
        public void failed(JcclException cause) {
            // the answer to a synchronous send: the peer learns of the failure from the transport
        }
    };

    private final int rank;
    private final int size;
    private final Transport transport;
    private final Progress progress;
    private final int eagerBytes;
    private final Function<String, ArgumentCheck> usable;
    private final Consumer<JcclException> breaker;
    private final MailboxFuture.Waiting waiting = this::waitUntil;
    /** Numbers of the messages sent to each rank, for the tags of their data and answers. */
    private final long[] sent;
    private final MatchQueues queues;
    private boolean started;

    MatchingMailbox(int rank, int size, Transport transport, Function<String, ArgumentCheck> usable,
                    Consumer<JcclException> breaker) {
        this.rank = rank;
        this.size = size;
        this.transport = transport;
        this.progress = transport.progress();
        this.usable = usable;
        this.breaker = breaker;
        this.eagerBytes = Math.max(0, Configuration.intProperty(Configuration.PROP_MAILBOX_EAGER_BYTES,
                Configuration.DEFAULT_MAILBOX_EAGER_BYTES));
        this.sent = new long[size];
        this.queues = new MatchQueues(rank, size);
    }

    // ---- sends ------------------------------------------------------------------------------------

    @Override
    public void send(ByteBuffer buf, int dest, int tag) {
        blocking(() -> post(buf, dest, tag, false, true), "send");
    }

    @Override
    public void sendSync(ByteBuffer buf, int dest, int tag) {
        blocking(() -> post(buf, dest, tag, true, true), "sendSync");
    }

    @Override
    public CompletableFuture<Void> sendAsync(ByteBuffer buf, int dest, int tag) {
        return post(buf, dest, tag, false, false);
    }

    @Override
    public CompletableFuture<Void> sendSyncAsync(ByteBuffer buf, int dest, int tag) {
        return post(buf, dest, tag, true, false);
    }

    /** Starts a send; {@code blocking}: its caller waits for it at once. */
    private MailboxFuture<Void> post(ByteBuffer buf, int dest, int tag, boolean synchronous, boolean blocking) {
        String op = synchronous ? "sendSync" : "send";
        MailboxFuture<Void> f = new MailboxFuture<>(waiting, blocking);
        ByteBuffer w;
        try {
            usable.apply(op).member(dest, false).tag(tag, false).present("send", buf);
            w = Windows.of(buf);
            start();
        } catch (JcclException e) {
            f.finish(null, e);
            return f;
        }
        int length = w.remaining();
        if (dest == rank) {
            ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, w, 0, length);
            arrived(new Arrival(rank, tag, length, 0, synchronous, copy, false, synchronous ? f : null));
            if (!synchronous) {
                f.finish(null, null);
            }
            return f;
        }
        long n;
        synchronized (this) {
            n = sent[dest]++;
        }
        boolean eager = length <= eagerBytes;
        ByteBuffer envelope = ByteBuffer.allocate(HEADER_BYTES + (eager ? length : 0));
        envelope.putInt(0, tag).putInt(4, length).putLong(8, n)
                .put(16, (byte) ((eager ? EAGER : 0) | (synchronous ? SYNCHRONOUS : 0)));
        if (eager) {
            envelope.put(HEADER_BYTES, w, 0, length);
        }
        // the send ends when its last part does: the message, and the answer of a synchronous one
        Parts parts = new Parts(f, op, dest, (eager ? 1 : 2) + (synchronous ? 1 : 0));
        if (synchronous) {
            transport.recv(dest, Tags.mailboxMatched(n), EMPTY, parts);
        }
        transport.send(dest, Tags.mailboxEnvelope(), envelope, parts);
        if (!eager) {
            transport.send(dest, Tags.mailboxData(n), w, parts);
        }
        return f;
    }

    /** The transport operations of one send: its future ends with the last, or the first to fail. */
    private final class Parts implements Completion {
        private final MailboxFuture<Void> future;
        private final String op;
        private final int dest;
        private int left;

        Parts(MailboxFuture<Void> future, String op, int dest, int parts) {
            this.future = future;
            this.op = op;
            this.dest = dest;
            this.left = parts;
        }

        @Override
        public void completed() {
            boolean last;
            synchronized (this) {
                last = --left == 0;
            }
            if (last) {
                future.finish(null, null);
            }
        }

        @Override
        public void failed(JcclException cause) {
            JcclException e = new JcclException(rank, op, "the message to rank " + dest + " failed: " + cause.getMessage(),
                    cause);
            breaker.accept(e);
            future.finish(null, e);
        }
    }

    // ---- receives ---------------------------------------------------------------------------------

    @Override
    public Envelope recv(ByteBuffer buf, int source, int tag) {
        return blocking(() -> receive(buf, source, tag, true), "recv");
    }

    @Override
    public CompletableFuture<Envelope> recvAsync(ByteBuffer buf, int source, int tag) {
        return receive(buf, source, tag, false);
    }

    private MailboxFuture<Envelope> receive(ByteBuffer buf, int source, int tag, boolean blocking) {
        MailboxFuture<Envelope> f = new MailboxFuture<>(waiting, blocking);
        ByteBuffer w;
        try {
            usable.apply("recv").member(source, true).tag(tag, true).writable("receive", buf);
            w = Windows.of(buf);
            start();
        } catch (JcclException e) {
            f.finish(null, e);
            return f;
        }
        Receive r = new Receive(source, tag, w, f);
        Arrival a;
        try {
            a = queues.takeOrPost(r);
        } catch (JcclException e) {
            f.finish(null, e);
            return f;
        }
        if (a == null) {
            f.cancellable(() -> queues.withdraw(r));
        } else {
            deliver(a, w, f);
        }
        return f;
    }

    @Override
    public Envelope probe(int source, int tag) {
        return take(source, tag, false, "probe").envelope();
    }

    @Override
    public Envelope tryProbe(int source, int tag) {
        Arrival a = lookNow(source, tag, false, "probe");
        return a == null ? null : a.envelope();
    }

    @Override
    public MatchedMessage take(int source, int tag) {
        return new Taken(take(source, tag, true, "take"));
    }

    @Override
    public MatchedMessage tryTake(int source, int tag) {
        Arrival a = lookNow(source, tag, true, "take");
        return a == null ? null : new Taken(a);
    }

    /** Waits for a message {@code source} and {@code tag} match, removing it from the queue when {@code remove}. */
    private Arrival take(int source, int tag, boolean remove, String op) {
        Arrival a = look(source, tag, remove, true, op);
        if (a != null) {
            return a;
        }
        Arrival[] found = new Arrival[1];
        // the waiting caller looks again after each round of progress
        waitUntil(() -> (found[0] = look(source, tag, remove, true, op)) != null, Long.MAX_VALUE, this);
        return found[0];
    }

    /**
     * As {@link #look}, driving the transport for a moment when nothing matches yet: envelope
     * receives stand without a helper thread, so a probe is where progress happens, as in MPI.
     */
    private Arrival lookNow(int source, int tag, boolean remove, String op) {
        Arrival[] found = {look(source, tag, remove, false, op)};
        if (found[0] == null) {
            waitUntil(() -> (found[0] = look(source, tag, remove, false, op)) != null, System.nanoTime() + LOOK_NANOS,
                    this);
        }
        return found[0];
    }

    /** The oldest message {@code source} and {@code tag} match, as {@link MatchQueues#find} says. */
    private Arrival look(int source, int tag, boolean remove, boolean waits, String op) {
        usable.apply(op).member(source, true).tag(tag, true);
        start();
        return queues.find(source, tag, remove, waits, op);
    }

    /** A message {@link #take} took out of matching. */
    private final class Taken implements MatchedMessage {
        private final Arrival arrival;
        private boolean received;

        Taken(Arrival arrival) {
            this.arrival = arrival;
        }

        @Override
        public Envelope envelope() {
            return arrival.envelope();
        }

        @Override
        public Envelope recv(ByteBuffer buf) {
            return blocking(() -> receive(buf, true), "recv");
        }

        @Override
        public CompletableFuture<Envelope> recvAsync(ByteBuffer buf) {
            return receive(buf, false);
        }

        private MailboxFuture<Envelope> receive(ByteBuffer buf, boolean blocking) {
            MailboxFuture<Envelope> f = new MailboxFuture<>(waiting, blocking);
            try {
                usable.apply("recv").writable("receive", buf);
                synchronized (this) {
                    if (received) {
                        throw new JcclException(rank, "recv", "this matched message was received already");
                    }
                    received = true;
                }
            } catch (JcclException e) {
                f.finish(null, e);
                return f;
            }
            deliver(arrival, Windows.of(buf), f);
            return f;
        }
    }

    // ---- arrivals ---------------------------------------------------------------------------------

    /** Posts the envelope receives, once. */
    private void start() {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        for (int p = 0; p < size; p++) {
            if (p != rank) {
                new EnvelopeReceiver(p).post();
            }
        }
    }

    /** The envelope receive of one peer, posted again each time an envelope came. */
    private final class EnvelopeReceiver implements Completion {
        private final int peer;
        private final ByteBuffer buffer;

        EnvelopeReceiver(int peer) {
            this.peer = peer;
            this.buffer = ByteBuffer.allocateDirect(HEADER_BYTES + eagerBytes);
        }

        void post() {
            transport.recvUpTo(peer, Tags.mailboxEnvelope(), buffer, this);
        }

        @Override
        public void completed() {
            failed(new JcclException(rank, "recv", "the transport did not say how long an envelope was"));
        }

        @Override
        public void received(int bytes) {
            int length = buffer.getInt(4);
            byte mode = buffer.get(16);
            boolean eager = (mode & EAGER) != 0;
            if (bytes < HEADER_BYTES || length < 0 || (eager ? bytes != HEADER_BYTES + length : bytes != HEADER_BYTES)) {
                failed(new JcclException(rank, "recv", "malformed envelope of " + bytes + " B from rank " + peer));
                return;
            }
            ByteBuffer payload = eager ? buffer.slice(HEADER_BYTES, length) : null;
            Arrival a = new Arrival(peer, buffer.getInt(0), length, buffer.getLong(8), (mode & SYNCHRONOUS) != 0,
                    payload, eager, null);
            arrived(a); // copies an eager payload out before the buffer takes the next envelope
            post();
        }

        /**
         * The peer can send nothing more: the receives that wait for it fail. A peer that left in
         * order breaks nothing; one that failed breaks the communicator through the transport.
         */
        @Override
        public void failed(JcclException cause) {
            JcclException e = new JcclException(rank, "recv", "messages from rank " + peer + " can no longer arrive: "
                    + cause.getMessage(), cause);
            queues.gone(peer, e).forEach(r -> r.future().finish(null, e));
        }
    }

    /** A message came: to the earliest posted receive it matches, or else to the unexpected queue. */
    private void arrived(Arrival a) {
        Receive match = queues.arrived(a);
        if (match != null) {
            deliver(a, match.window(), match.future());
        }
    }

    /** A receive matched {@code a}: its bytes go to {@code window}, and a synchronous sender learns of the match. */
    private void deliver(Arrival a, ByteBuffer window, MailboxFuture<Envelope> f) {
        if (a.selfSend != null) {
            a.selfSend.finish(null, null);
        } else if (a.synchronous) {
            transport.send(a.source, Tags.mailboxMatched(a.number), EMPTY, IGNORED);
        }
        Envelope e = a.envelope();
        int room = window.remaining();
        int n = Math.min(room, a.length);
        if (a.payload != null) {
            window.put(0, a.payload, 0, n);
            f.finish(e, n < a.length ? new TruncatedMessage(rank, e, room) : null);
            return;
        }
        // the data follows on a tag of its own; a message longer than the buffer lands beside it first
        ByteBuffer target = n < a.length ? ByteBuffer.allocate(a.length) : window.slice(0, a.length);
        transport.recv(a.source, Tags.mailboxData(a.number), target, new Completion() {
            @Override
            public void completed() {
                if (target != window && n < a.length) {
                    window.put(0, target, 0, n);
                    f.finish(e, new TruncatedMessage(rank, e, room));
                } else {
                    f.finish(e, null);
                }
            }

            @Override
            public void failed(JcclException cause) {
                JcclException x = new JcclException(rank, "recv", "the message of " + a.length + " B from rank "
                        + a.source + " failed: " + cause.getMessage(), cause);
                breaker.accept(x);
                f.finish(null, x);
            }
        });
    }

    /** The communicator closes: what still waits fails. */
    void close() {
        JcclException cause = new JcclException(rank, "recv", "the communicator is closed");
        queues.close(cause).forEach(r -> r.future().finish(null, cause));
    }

    // ---- waiting ----------------------------------------------------------------------------------

    /**
     * A blocking call: started and waited for on this thread, which drives the transport meanwhile
     * and posts with no hand-off when the transport lends it its I/O ({@link Progress#runInCaller}).
     */
    private <T> T blocking(Supplier<MailboxFuture<T>> start, String op) {
        if (progress != null) {
            List<MailboxFuture<T>> started = new ArrayList<>(1);
            if (progress.runInCaller(() -> {
                MailboxFuture<T> f = start.get();
                started.add(f);
                waitUntil(f, Long.MAX_VALUE);
            })) {
                return await(started.get(0), op);
            }
        }
        return await(start.get(), op);
    }

    private <T> T await(CompletableFuture<T> f, String op) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof JcclException j) {
                throw j;
            }
            throw new JcclException(rank, op, "internal error: " + c, c);
        }
    }

    private void waitUntil(MailboxFuture<?> f, long deadline) {
        waitUntil(f::finished, deadline, f);
    }

    /**
     * Drives the transport until {@code done} holds or the deadline passes; where nobody drives
     * (in-process), parks until a completion unparks it or a millisecond passes.
     */
    private void waitUntil(BooleanSupplier done, long deadline, Object blocker) {
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (deadline != Long.MAX_VALUE && now - deadline >= 0) {
                return;
            }
            long until = deadline == Long.MAX_VALUE ? now + 1_000_000_000L : deadline;
            if (progress != null) {
                progress.driveUntil(done, until);
            } else {
                LockSupport.parkNanos(blocker, Math.min(1_000_000L, until - now));
            }
        }
    }
}
