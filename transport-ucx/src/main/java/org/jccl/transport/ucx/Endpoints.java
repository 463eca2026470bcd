package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.jccl.JcclException;
import org.jccl.spi.ConnectionEvent;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * One UCX endpoint per peer, made the first time this rank sends to the peer (so that a rank holds
 * endpoints to the peers its collectives use, not to the whole job), from the worker addresses the
 * bootstrap exchanged, with peer error handling: UCX reports a lost peer through {@code lost}. A
 * receive needs no endpoint: UCX matches tagged messages on the worker. A peer on the same machine
 * may also get a single-copy endpoint, without error handling, for large messages: over shared
 * memory UCX 1.13 gives an endpoint with peer error handling no cma lane, so its large messages cross
 * UCX's FIFO in fragments, copied in and out, where cma copies once, straight from the sender's
 * memory (4 ranks on 2 cores, 1-4 MiB: allgather, all-to-all and broadcast 1.5-2x faster). The first
 * endpoint's loss report covers both. Driving thread only.
 */
final class Endpoints {
    /** Hears that a peer is lost. */
    interface LossListener {
        void lost(int peer, JcclException cause);
    }

    /** How long closing waits for the flushes of live peers before it forces every endpoint closed. */
    private static final long FLUSH_NANOS = 5_000_000_000L;
    /** How long closing waits for forced closes, which end at once unless UCX is wedged. */
    private static final long FORCE_NANOS = 1_000_000_000L;

    private final int rank;
    private final UcpWorker worker;
    private final byte[][] addresses;
    private final IntPredicate wantsSingleCopy;
    private final LossListener listener;
    private final UcpEndpoint[] endpoints;
    /** The single-copy endpoint to each peer, or null. */
    private final UcpEndpoint[] singleCopy;

    /**
     * @param addresses every rank's worker address (this rank's entry is not used)
     * @param singleCopy which peers get a single-copy endpoint as well; both ends of a pair must
     *     agree, since UCX pairs a peer's endpoints with this rank's in the order they are made
     */
    Endpoints(int rank, UcpWorker worker, byte[][] addresses, IntPredicate singleCopy, LossListener listener) {
        this.rank = rank;
        this.worker = worker;
        this.addresses = addresses;
        this.wantsSingleCopy = singleCopy;
        this.listener = listener;
        this.endpoints = new UcpEndpoint[addresses.length];
        this.singleCopy = new UcpEndpoint[addresses.length];
    }

    /** Makes the endpoints to {@code peer}, the one with error handling first. */
    private void open(int peer) {
        ConnectionEvent event = ConnectionEvent.begin("ucx", rank, peer);
        ByteBuffer remote = ByteBuffer.allocateDirect(addresses[peer].length).put(addresses[peer]).flip();
        endpoints[peer] = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(remote).setPeerErrorHandlingMode()
                .setErrorHandler((ep, status, message) -> listener.lost(peer, new JcclException(rank, "transport",
                        "lost rank " + peer + ": " + message + " (UCX status " + status + "; did it exit or crash?)"))));
        if (wantsSingleCopy.test(peer)) {
            singleCopy[peer] = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(remote));
        }
        // UCX wires up in the background: this times the endpoints' creation, and names no socket addresses
        ConnectionEvent.connected(event, peer, "worker of rank " + rank, "worker of rank " + peer
                + (singleCopy[peer] != null ? " (and a single-copy endpoint)" : ""));
    }

    /** Whether this rank has made endpoints to {@code peer}. */
    boolean has(int peer) {
        return endpoints[peer] != null;
    }

    /** The endpoint to {@code peer} with error handling, for control messages and data. */
    UcpEndpoint to(int peer) {
        if (endpoints[peer] == null) {
            open(peer);
        }
        return endpoints[peer];
    }

    /** The endpoint for data to {@code peer}: the single-copy one if asked for and there is one. */
    UcpEndpoint forData(int peer, boolean singleCopyLane) {
        UcpEndpoint ep = to(peer);
        return singleCopyLane && singleCopy[peer] != null ? singleCopy[peer] : ep;
    }

    /**
     * Closes every endpoint: a flush delivers what is still in flight to a live peer; the endpoint
     * of a failed peer, or of one with a request still abandoned, can only be forced ({@code force});
     * flushes that cannot finish within {@link #FLUSH_NANOS} (the peer is stuck or gone) are forced too.
     * UCX refuses to force a single-copy endpoint, and asserts when the worker is destroyed with one of
     * them still holding a request, so the single-copy endpoints of peers that may hold one
     * ({@code leaveSingleCopy}: a failed peer, or a request of it still abandoned) are left open.
     *
     * @return true when every endpoint closed, false when the worker must not be destroyed
     */
    boolean close(IntPredicate force, IntPredicate leaveSingleCopy) {
        List<UcpRequest> closing = new ArrayList<>();
        List<UcpRequest> singleCopyClosing = new ArrayList<>(); // also in closing
        boolean leftOpen = false;
        for (int p = 0; p < endpoints.length; p++) {
            UcpEndpoint ep = endpoints[p];
            if (ep != null) {
                try {
                    closing.add(force.test(p) ? ep.closeNonBlockingForce() : ep.closeNonBlockingFlush());
                } catch (RuntimeException ignored) {
                    // already failed
                }
            }
            if (singleCopy[p] != null) {
                if (leaveSingleCopy.test(p)) {
                    leftOpen = true;
                    continue;
                }
                try {
                    singleCopyClosing.add(singleCopy[p].closeNonBlockingFlush());
                    closing.add(singleCopyClosing.get(singleCopyClosing.size() - 1));
                } catch (RuntimeException ignored) {
                    // already failed
                }
            }
        }
        if (!awaitClosed(closing, System.nanoTime() + FLUSH_NANOS)) {
            List<UcpRequest> forced = new ArrayList<>();
            for (UcpEndpoint ep : endpoints) {
                if (ep == null) {
                    continue;
                }
                try {
                    forced.add(ep.closeNonBlockingForce());
                } catch (RuntimeException ignored) {
                    // closed already
                }
            }
            awaitClosed(forced, System.nanoTime() + FORCE_NANOS);
        }
        return !leftOpen && allClosed(singleCopyClosing);
    }

    /** Drives the worker until every close in {@code closing} has completed (true) or the deadline passes. */
    private boolean awaitClosed(List<UcpRequest> closing, long deadline) {
        while (!allClosed(closing) && System.nanoTime() < deadline) {
            try {
                worker.progress();
            } catch (Exception e) {
                break;
            }
        }
        return allClosed(closing);
    }

    private static boolean allClosed(List<UcpRequest> closing) {
        return closing.stream().allMatch(r -> r == null || r.isCompleted());
    }
}
