package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * UCX requests whose operations ended in Java (they failed: the peer went, the job broke, the
 * transport closes) while UCX still holds them, by peer: a rendezvous send the receiver never
 * took, a receive already matched that cancelling cannot end, a message taken only to drop it.
 * UCX ties such a request to its endpoint, and destroying a worker whose endpoint still holds one
 * is a fatal assertion in UCX, so a closing transport waits for them to settle and force-closes the
 * endpoint of any peer with one left (which ends them); a single-copy endpoint cannot be forced, so
 * one with a request left keeps the worker from being destroyed. Driving thread only.
 */
final class AbandonedRequests {
    /**
     * A request, the memory UCX may still read or write for it (kept from the collector), and whether
     * it belongs to the peer's single-copy endpoint, which cannot be forced closed ({@link Endpoints}).
     */
    private record Entry(UcpRequest request, Object memory, boolean singleCopy) {
    }

    private final List<List<Entry>> byPeer = new ArrayList<>();

    AbandonedRequests(int size) {
        for (int p = 0; p < size; p++) {
            byPeer.add(new ArrayList<>(0));
        }
    }

    /**
     * Keeps {@code request} until it completes, unless it has already, with {@code memory}: what
     * UCX reads or writes by address meanwhile (a stand-in buffer, a sink), or null; {@code
     * singleCopy}: its message travels on the peer's single-copy endpoint.
     */
    void add(int peer, UcpRequest request, Object memory, boolean singleCopy) {
        if (request != null && !request.isCompleted()) {
            byPeer.get(peer).add(new Entry(request, memory, singleCopy));
        }
    }

    /**
     * Takes {@code m} from UCX's queue of unexpected messages into a sink, only to drop it, and keeps
     * the request until it completes, under the sender and lane its tag names.
     */
    void drop(UcpWorker worker, UcpTagMessage m) {
        ByteBuffer sink = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, m.getRecvLength()));
        add(UcxTags.sender(m.getSenderTag()), worker.recvTaggedMessageNonBlocking(UcxUtils.getAddress(sink),
                sink.capacity(), m, new UcxCallback()), sink, UcxTags.singleCopy(m.getSenderTag()));
    }

    /** True when every request abandoned with {@code peer} on its single-copy endpoint has completed. */
    boolean settledOnSingleCopy(int peer) {
        return settled(peer) || byPeer.get(peer).stream().noneMatch(Entry::singleCopy);
    }

    /** True when every request abandoned with {@code peer} has completed. */
    boolean settled(int peer) {
        List<Entry> left = byPeer.get(peer);
        left.removeIf(e -> e.request().isCompleted());
        return left.isEmpty();
    }

    /** True when every request abandoned with any peer but those {@code excepted} has completed. */
    boolean settledExcept(IntPredicate excepted) {
        for (int p = 0; p < byPeer.size(); p++) {
            if (!excepted.test(p) && !settled(p)) {
                return false;
            }
        }
        return true;
    }

    /** True when every abandoned request has completed. */
    boolean allSettled() {
        return settledExcept(p -> false);
    }
}
