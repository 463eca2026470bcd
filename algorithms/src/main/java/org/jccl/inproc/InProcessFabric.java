package org.jccl.inproc;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jccl.JcclException;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Completion;

/**
 * The shared state of one in-process job: a mailbox per ordered pair of ranks where sends wait for
 * receives and receives wait for sends. A message is copied once, straight from the sender's
 * buffer into the receiver's, when both sides are posted (rendezvous semantics for every size,
 * the strictest a transport can have, which keeps algorithms honest).
 */
final class InProcessFabric {
    private static final Map<Long, InProcessFabric> JOBS = new ConcurrentHashMap<>();

    /** A posted operation; {@code upTo}: a receive that takes any message that fits. */
    private record Pending(ByteBuffer buf, long check, boolean upTo, Completion done) {
    }

    /** Messages from one rank to another, keyed by tag, FIFO. */
    private static final class Mailbox {
        final Map<Long, ArrayDeque<Pending>> sends = new HashMap<>();
        final Map<Long, ArrayDeque<Pending>> recvs = new HashMap<>();

        void drainTo(List<Pending> out) {
            sends.values().forEach(out::addAll);
            recvs.values().forEach(out::addAll);
            sends.clear();
            recvs.clear();
        }
    }

    private final long jobId;
    private final int size;
    private final Mailbox[] mailboxes;
    private final JcclException[] closedRanks;
    private int open;
    private volatile JcclException aborted;

    private InProcessFabric(long jobId, int size) {
        this.jobId = jobId;
        this.size = size;
        this.mailboxes = new Mailbox[size * size];
        for (int i = 0; i < mailboxes.length; i++) {
            mailboxes[i] = new Mailbox();
        }
        this.closedRanks = new JcclException[size];
    }

    static InProcessFabric join(long jobId, int size) {
        InProcessFabric f = JOBS.computeIfAbsent(jobId, id -> new InProcessFabric(id, size));
        synchronized (f) {
            f.open++;
        }
        return f;
    }

    void send(int from, int to, long tag, long check, ByteBuffer buf, Completion done) {
        post(mailboxes[from * size + to], true, tag, new Pending(buf, check, false, done), from, to);
    }

    void recv(int to, int from, long tag, long check, boolean upTo, ByteBuffer buf, Completion done) {
        post(mailboxes[from * size + to], false, tag, new Pending(buf, check, upTo, done), from, to);
    }

    private void post(Mailbox box, boolean isSend, long tag, Pending op, int from, int to) {
        int peer = isSend ? to : from;
        Pending match;
        synchronized (box) {
            JcclException f = failure(peer);
            if (f != null) {
                op.done().failed(f);
                return;
            }
            ArrayDeque<Pending> others = (isSend ? box.recvs : box.sends).get(tag);
            match = others == null ? null : others.poll();
            if (match == null) {
                (isSend ? box.sends : box.recvs).computeIfAbsent(tag, t -> new ArrayDeque<>()).add(op);
                return;
            }
        }
        Pending send = isSend ? op : match;
        Pending recv = isSend ? match : op;
        if (send.check() != recv.check()) {
            send.done().completed();
            recv.done().failed(new CheckMismatch(to, from, recv.check(), send.check()));
            return;
        }
        int length = send.buf().remaining();
        if (recv.upTo() ? length > recv.buf().remaining() : length != recv.buf().remaining()) {
            JcclException e = new JcclException(-1, "inproc", "message of " + length
                    + " B does not " + (recv.upTo() ? "fit" : "match") + " the posted receive of " + recv.buf().remaining() + " B");
            send.done().failed(e);
            recv.done().failed(e);
            return;
        }
        recv.buf().duplicate().put(send.buf().duplicate());
        send.done().completed();
        if (recv.upTo()) {
            recv.done().received(length);
        } else {
            recv.done().completed();
        }
    }

    private JcclException failure(int peer) {
        JcclException a = aborted;
        return a != null ? a : closedRanks[peer];
    }

    void abort(JcclException cause) {
        List<Pending> failed = new ArrayList<>();
        // under the fabric's lock, so that a second abort returns only once the first holds every
        // pending operation: that rank may close next, and must not fail them with its goodbye instead
        synchronized (this) {
            if (aborted != null) {
                return;
            }
            aborted = cause;
            for (Mailbox box : mailboxes) {
                synchronized (box) {
                    box.drainTo(failed);
                }
            }
        }
        failed.forEach(p -> p.done().failed(cause));
    }

    void close(int rank) {
        JcclException gone = new JcclException(rank, "close", "rank " + rank + " closed its communicator");
        List<Pending> failed = new ArrayList<>();
        for (int peer = 0; peer < size; peer++) {
            for (Mailbox box : new Mailbox[] {mailboxes[rank * size + peer], mailboxes[peer * size + rank]}) {
                synchronized (box) {
                    closedRanks[rank] = gone;
                    box.drainTo(failed);
                }
            }
        }
        failed.forEach(p -> p.done().failed(gone));
        synchronized (this) {
            if (--open == 0) {
                JOBS.remove(jobId, this);
            }
        }
    }
}
