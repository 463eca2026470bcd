package org.jccl.transport.ucx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What this rank has posted with each peer and knows of each peer's going: the operations posted
 * and not finished (so that they fail, naming the peer, when it goes, even where UCX itself would
 * never complete them), the messages sent and received, and what a peer that closed in order said
 * it had sent. Driving thread only, except {@link #hasOutstanding}.
 */
final class PeerLedger {
    /** Newest of each peer's posted operations, linked through {@link PostedOp#next}. */
    private final PostedOp[] pending;
    private final boolean[] gone;
    /** Messages this rank sent to / received from each peer. */
    private final long[] sentTo;
    private final long[] receivedFrom;
    /** What a peer that closed in order said it had sent here (-1: still here), and why its job broke, if it did. */
    private final long[] goodbyeCount;
    private final String[] goodbyeReason;
    /** Operations posted and not finished. */
    private volatile int outstanding;

    PeerLedger(int size) {
        this.pending = new PostedOp[size];
        this.gone = new boolean[size];
        this.sentTo = new long[size];
        this.receivedFrom = new long[size];
        this.goodbyeCount = new long[size];
        this.goodbyeReason = new String[size];
        Arrays.fill(goodbyeCount, -1);
    }

    /** Records {@code op} as posted. */
    void posted(PostedOp op) {
        PostedOp head = pending[op.peer];
        op.next = head;
        if (head != null) {
            head.previous = op;
        }
        pending[op.peer] = op;
        op.linked = true;
        if (!op.upTo) {
            outstanding++; // an up-to receive stands: it keeps no helper driving for it
        }
        if (op.send) {
            sentTo[op.peer]++;
        }
    }

    /** Records {@code op} as finished, received in full or not. */
    void finished(PostedOp op, boolean received) {
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
        op.linked = false;
        if (!op.upTo) {
            outstanding--;
        }
        if (!op.send && received) {
            receivedFrom[op.peer]++;
        }
    }

    /** True while some operation is posted with {@code peer}. */
    boolean anyPendingWith(int peer) {
        return pending[peer] != null;
    }

    /** A copy of the operations posted with {@code peer}, for failing them (which unlinks them). */
    List<PostedOp> pendingWith(int peer) {
        List<PostedOp> ops = new ArrayList<>();
        for (PostedOp op = pending[peer]; op != null; op = op.next) {
            ops.add(op);
        }
        return ops;
    }

    /** True while operations are posted; any thread. */
    boolean hasOutstanding() {
        return outstanding > 0;
    }

    boolean gone(int peer) {
        return gone[peer];
    }

    /** The peers that failed or left, in rank order (read from any thread for the straggler report). */
    List<Integer> gonePeers() {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < gone.length; p++) {
            if (gone[p]) {
                out.add(p);
            }
        }
        return out;
    }

    /** The peer failed or left: nothing more is posted with it. */
    void markGone(int peer) {
        gone[peer] = true;
    }

    /** The peer closed in order, having sent {@code count} messages here; {@code reason} says why its job broke, or is empty. */
    void saidGoodbye(int peer, long count, String reason) {
        gone[peer] = true;
        goodbyeCount[peer] = count;
        goodbyeReason[peer] = reason;
    }

    /** True when the peer closed in order (as opposed to failing). */
    boolean leftInOrder(int peer) {
        return goodbyeCount[peer] >= 0;
    }

    /** Why the job of a peer that closed in order broke, or null or empty. */
    String goodbyeReason(int peer) {
        return goodbyeReason[peer];
    }

    /** Messages sent to {@code peer} so far. */
    long sentTo(int peer) {
        return sentTo[peer];
    }

    /** True when a departed peer's messages have all arrived, so that receives from it can only fail. */
    boolean allArrivedFrom(int peer) {
        return receivedFrom[peer] >= goodbyeCount[peer];
    }

    /** True when a departed peer's messages are all received, counting {@code more} receives about to be posted. */
    boolean nothingLeftFrom(int peer, int more) {
        long postedReceives = 0;
        for (PostedOp op = pending[peer]; op != null; op = op.next) {
            postedReceives += op.send ? 0 : 1;
        }
        return receivedFrom[peer] + postedReceives + more > goodbyeCount[peer];
    }
}
