package org.jccl.transport.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jccl.JcclException;
import org.jccl.spi.CheckMismatch;

/**
 * The protocol of one connection above its frames: which posted receive a message lands in (FIFO
 * per tag), what waits for what, and when a message is wrong for its receive. It decides; the
 * connection ({@link Wire}) moves the bytes.
 *
 * <p>A send up to the eager limit goes as one EAGER frame. A larger one is announced by RTS and
 * waits in {@code awaitingCts} until the receiver, its receive posted, answers CTS; only then does
 * its DATA frame go, so a large payload always lands in a posted buffer. A message that comes
 * before its receive waits as an {@link Early}: an eager payload (held in memory, up to
 * {@code jccl.tcp.unexpectedLimit} bytes before the connection stops reading) or an RTS (no bytes).
 */
final class MessageMatcher {
    /** The connection's side: what a decision needs done on the wire. */
    interface Wire {
        /** Queues a frame: {@code header}, then {@code payload} if not null; {@code op} succeeds once written. */
        void write(ByteBuffer header, ByteBuffer payload, Operation op);

        /** The payload of {@code length} bytes that follows lands in {@code op}'s window. */
        void receiveInto(Operation op, int length);

        /** The payload that follows lands in {@code e}; the wire calls {@link #arrived} when it has. */
        void receiveEarly(Early e);

        /** The payload of {@code length} bytes that follows is skipped. */
        void discard(long length);

        /** Stops or resumes reading the socket (back-pressure on early messages). */
        void pauseReading(boolean pause);
    }

    /** A message that arrived before its receive: an eager payload (possibly still arriving) or an RTS. */
    static final class Early {
        final boolean announced;
        final int length;
        final long check;
        final ByteBuffer data;
        boolean complete;
        Operation adopter;

        Early(boolean announced, int length, long check, ByteBuffer data) {
            this.announced = announced;
            this.length = length;
            this.check = check;
            this.data = data;
        }
    }

    private final Wire wire;
    private final int rank;
    private final int eagerLimit;
    private final long earlyLimit;
    private int peer;
    private final Map<Long, ArrayDeque<Operation>> posted = new HashMap<>();
    private final Map<Long, ArrayDeque<Early>> early = new HashMap<>();
    private final Map<Long, ArrayDeque<Operation>> awaitingData = new HashMap<>();
    private final Map<Long, ArrayDeque<Operation>> awaitingCts = new HashMap<>();
    private long earlyBytes;
    private boolean paused;
    private JcclException failure;
    /** After the peer left: only messages that already arrived can still be received. */
    private boolean arrivedOnly;

    MessageMatcher(Wire wire, int rank, int eagerLimit, long earlyLimit) {
        this.wire = wire;
        this.rank = rank;
        this.eagerLimit = eagerLimit;
        this.earlyLimit = earlyLimit;
    }

    /** The peer's rank, once the handshake has told it. */
    void peer(int peer) {
        this.peer = peer;
    }

    JcclException failure() {
        return failure;
    }

    // ---- this rank posts ------------------------------------------------------------------------

    void send(Operation op) {
        if (failure != null) {
            op.fail(failure);
        } else if (op.length <= eagerLimit) {
            wire.write(Frame.header(Frame.EAGER, op.tag, op.length, op.check), op.length == 0 ? null : op.window, op);
        } else {
            queue(awaitingCts, op.tag).add(op);
            wire.write(Frame.header(Frame.RTS, op.tag, op.length, op.check), null, null);
        }
    }

    void recv(Operation op) {
        if (failure != null && !arrivedOnly) {
            op.fail(failure);
            return;
        }
        Early e = poll(early, op.tag);
        if (e == null) {
            if (failure != null) {
                op.fail(failure);
            } else {
                queue(posted, op.tag).add(op);
            }
            return;
        }
        JcclException wrong = wrong(e.check, e.length, op);
        if (wrong != null) {
            if (!e.announced) {
                if (!e.complete) {
                    e.adopter = op; // fails once the rest of it is read past
                    return;
                }
                release(e);
            }
            op.fail(wrong);
        } else if (e.announced) {
            queue(awaitingData, op.tag).add(op);
            wire.write(Frame.header(Frame.CTS, op.tag, 0, 0), null, null);
        } else if (!e.complete) {
            e.adopter = op;
        } else {
            release(e);
            op.window.put(0, e.data, 0, e.length);
            op.received = e.length;
            op.succeed();
        }
    }

    // ---- the peer's frames ------------------------------------------------------------------------

    void onEager(long tag, int length, long check) {
        if (failure != null) {
            wire.discard(length);
            return;
        }
        Operation op = poll(posted, tag);
        if (op == null) {
            Early e = new Early(false, length, check, ByteBuffer.allocate(length));
            queue(early, tag).add(e);
            earlyBytes += length;
            if (earlyBytes > earlyLimit && !paused) {
                paused = true; // back-pressure until receives drain the early bytes
                wire.pauseReading(true);
            }
            wire.receiveEarly(e);
            return;
        }
        JcclException wrong = wrong(check, length, op);
        if (wrong != null) {
            op.fail(wrong);
            wire.discard(length);
        } else {
            wire.receiveInto(op, length);
        }
    }

    void onRts(long tag, int length, long check) {
        if (failure != null) {
            return;
        }
        Operation op = poll(posted, tag);
        JcclException wrong = op == null ? null : wrong(check, length, op);
        if (op == null) {
            queue(early, tag).add(new Early(true, length, check, null));
        } else if (wrong != null) {
            op.fail(wrong);
        } else {
            queue(awaitingData, tag).add(op);
            wire.write(Frame.header(Frame.CTS, tag, 0, 0), null, null);
        }
    }

    /** @return false when no message with this tag was announced (a protocol error) */
    boolean onCts(long tag) {
        if (failure != null) {
            return true;
        }
        Operation op = poll(awaitingCts, tag);
        if (op == null) {
            return false;
        }
        wire.write(Frame.header(Frame.DATA, op.tag, op.length, 0), op.window, op);
        return true;
    }

    /** @return why the frame is wrong (a protocol error), or null */
    String onData(long tag, long length) {
        if (failure != null) {
            wire.discard(length);
            return null;
        }
        Operation op = poll(awaitingData, tag);
        if (op == null) {
            return "DATA for a tag this rank never cleared";
        }
        if (op.received != length) {
            return "DATA of " + length + " B where RTS announced " + op.received + " B";
        }
        wire.receiveInto(op, (int) length);
        return null;
    }

    /** An early eager message is whole; a receive that adopted it meanwhile takes it now. */
    void arrived(Early e) {
        e.complete = true;
        Operation adopter = e.adopter;
        if (adopter == null) {
            return;
        }
        release(e);
        JcclException wrong = wrong(e.check, e.length, adopter);
        if (wrong != null) {
            adopter.fail(wrong);
        } else {
            adopter.window.put(0, e.data, 0, e.length);
            adopter.received = e.length;
            adopter.succeed();
        }
    }

    /** Accounts for an early eager message leaving the queue. */
    private void release(Early e) {
        earlyBytes -= e.length;
        if (paused && earlyBytes <= earlyLimit / 2) {
            paused = false;
            wire.pauseReading(false);
        }
    }

    // ---- failure --------------------------------------------------------------------------------

    /**
     * Fails every pending operation with {@code cause}, once; later posts fail at once. With
     * {@code keepArrived} (the peer left: it sends nothing more) whole messages that already arrived
     * are kept, so that a receive posted later still gets them. Returns the operations to fail, so
     * that the connection adds those it holds itself before failing them all.
     */
    List<Operation> fail(JcclException cause, boolean keepArrived) {
        List<Operation> failed = new ArrayList<>();
        if (failure != null) {
            return failed;
        }
        failure = cause;
        posted.values().forEach(failed::addAll);
        awaitingData.values().forEach(failed::addAll);
        awaitingCts.values().forEach(failed::addAll);
        posted.clear();
        awaitingData.clear();
        awaitingCts.clear();
        for (ArrayDeque<Early> q : early.values()) {
            q.removeIf(e -> {
                boolean drop = !keepArrived || e.announced || !e.complete;
                if (drop && e.adopter != null) {
                    failed.add(e.adopter);
                }
                return drop;
            });
        }
        arrivedOnly = keepArrived;
        if (paused) {
            paused = false;
            wire.pauseReading(false);
        }
        return failed;
    }

    /**
     * Why a message of {@code length} bytes with {@code check} cannot complete {@code op}, or null
     * when it can; then {@code op} takes that many bytes.
     */
    private JcclException wrong(long check, int length, Operation op) {
        if (op.upTo) {
            if (length > op.length) {
                return new JcclException(rank, "recv", "message of " + length + " B from rank " + peer
                        + " does not fit the posted receive of " + op.length + " B");
            }
            op.received = length;
            return null;
        }
        if (check != op.check) {
            return new CheckMismatch(rank, peer, op.check, check); // says more than a length would
        }
        if (length != op.length) {
            return new JcclException(rank, "recv", "message of " + length + " B from rank " + peer
                    + " does not match the posted receive of " + op.length + " B (do all ranks pass the same counts?)");
        }
        return null;
    }

    private static <T> ArrayDeque<T> queue(Map<Long, ArrayDeque<T>> m, long tag) {
        return m.computeIfAbsent(tag, t -> new ArrayDeque<>());
    }

    /** The oldest entry queued under {@code tag}, removed, or null. */
    private static <T> T poll(Map<Long, ArrayDeque<T>> m, long tag) {
        ArrayDeque<T> q = m.get(tag);
        if (q == null) {
            return null;
        }
        T t = q.poll();
        if (q.isEmpty()) {
            m.remove(tag); // every collective has a tag of its own: keep the maps small
        }
        return t;
    }
}
