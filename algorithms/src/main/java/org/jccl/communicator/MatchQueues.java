package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jccl.Envelope;
import org.jccl.JcclException;
import org.jccl.Mailbox;

/**
 * The two queues of MPI's matching, and nothing of the wire: receives posted before their message,
 * in post order, and messages that arrived before their receive, in arrival order. A message goes
 * to the earliest posted receive whose source and tag fit; a receive or probe takes the oldest
 * message that fits. It also knows which peers can send nothing more. Every method holds the lock.
 */
final class MatchQueues {
    /** A message nothing matched yet, or the one a receive just matched. */
    static final class Arrival {
        final int source;
        final int tag;
        final int length;
        /** The sender's number for this message, which names its data and answer tags. */
        final long number;
        final boolean synchronous;
        /** The payload of a message that came in its envelope (or from this rank), else null. */
        final ByteBuffer payload;
        /** Whether the payload lies in an envelope's buffer, which takes the next envelope. */
        final boolean borrowed;
        /** A synchronous send to this rank itself, which ends when this message matches. */
        final MailboxFuture<Void> selfSend;

        Arrival(int source, int tag, int length, long number, boolean synchronous, ByteBuffer payload,
                boolean borrowed, MailboxFuture<Void> selfSend) {
            this.source = source;
            this.tag = tag;
            this.length = length;
            this.number = number;
            this.synchronous = synchronous;
            this.payload = payload;
            this.borrowed = borrowed;
            this.selfSend = selfSend;
        }

        Envelope envelope() {
            return new Envelope(source, tag, length);
        }

        boolean matches(int source, int tag) {
            return (source == Mailbox.ANY_SOURCE || source == this.source) && (tag == Mailbox.ANY_TAG || tag == this.tag);
        }

        /** This message, with a borrowed payload copied out of its envelope's buffer. */
        Arrival kept() {
            if (!borrowed) {
                return this;
            }
            ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, payload, 0, length);
            return new Arrival(source, tag, length, number, synchronous, copy, false, selfSend);
        }
    }

    /** A posted receive nothing matched yet. */
    record Receive(int source, int tag, ByteBuffer window, MailboxFuture<Envelope> future) {
    }

    private final int rank;
    private final int size;
    private final ArrayDeque<Arrival> unexpected = new ArrayDeque<>();
    private final List<Receive> posted = new ArrayList<>();
    /** Peers whose envelopes can no longer arrive (they left, failed, or the transport broke). */
    private final boolean[] gone;
    private int goneCount;
    /** Set once nothing can arrive from anyone: the communicator closed, or every peer is gone. */
    private JcclException failure;

    MatchQueues(int rank, int size) {
        this.rank = rank;
        this.size = size;
        this.gone = new boolean[size];
    }

    /** {@code a} came: the earliest posted receive it matches, removed; or null, and {@code a} waits. */
    synchronized Receive arrived(Arrival a) {
        for (Iterator<Receive> it = posted.iterator(); it.hasNext(); ) {
            Receive r = it.next();
            if (a.matches(r.source, r.tag)) {
                it.remove();
                return r;
            }
        }
        unexpected.add(a.kept());
        return null;
    }

    /**
     * The oldest message {@code r} matches, removed; or null, and {@code r} is posted.
     *
     * @throws JcclException when nothing can come for it any more
     */
    synchronized Arrival takeOrPost(Receive r) {
        Arrival a = take(r.source, r.tag);
        if (a == null) {
            refuseIfNothingCanCome(r.source, "recv");
            posted.add(r);
        }
        return a;
    }

    /** Withdraws {@code r} if nothing matched it yet. */
    synchronized boolean withdraw(Receive r) {
        return posted.remove(r);
    }

    /**
     * The oldest message {@code source} and {@code tag} match (removed when {@code remove}), or
     * null; for a caller that would wait for one ({@code waits}), a failure when none can come.
     */
    synchronized Arrival find(int source, int tag, boolean remove, boolean waits, String op) {
        for (Iterator<Arrival> it = unexpected.iterator(); it.hasNext(); ) {
            Arrival a = it.next();
            if (a.matches(source, tag)) {
                if (remove) {
                    it.remove();
                }
                return a;
            }
        }
        if (waits) {
            refuseIfNothingCanCome(source, op);
        }
        return null;
    }

    private Arrival take(int source, int tag) {
        return find(source, tag, true, false, null);
    }

    private void refuseIfNothingCanCome(int source, String op) {
        if (failure != null) {
            throw new JcclException(rank, op, "no message can come: " + failure.getMessage(), failure);
        }
        if (source != Mailbox.ANY_SOURCE && gone[source]) {
            throw new JcclException(rank, op, "rank " + source + " can send nothing more (it left or failed)");
        }
    }

    /**
     * {@code peer} can send nothing more: the receives that wait for it, removed (all of them once
     * every peer is gone). Messages that came before stay.
     */
    synchronized List<Receive> gone(int peer, JcclException cause) {
        List<Receive> failed = new ArrayList<>();
        if (gone[peer]) {
            return failed;
        }
        gone[peer] = true;
        boolean everyone = ++goneCount == size - 1;
        if (everyone && failure == null) {
            failure = cause;
        }
        for (Iterator<Receive> it = posted.iterator(); it.hasNext(); ) {
            Receive r = it.next();
            if (everyone || r.source == peer) {
                it.remove();
                failed.add(r);
            }
        }
        return failed;
    }

    /** Nothing can come any more: every posted receive, removed. */
    synchronized List<Receive> close(JcclException cause) {
        if (failure == null) {
            failure = cause;
        }
        List<Receive> failed = new ArrayList<>(posted);
        posted.clear();
        return failed;
    }
}
