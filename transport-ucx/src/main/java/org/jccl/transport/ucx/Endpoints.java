package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.jccl.JcclException;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * One UCX endpoint per peer, made from the worker addresses the bootstrap exchanged, with peer
 * error handling: UCX reports a lost peer through {@code lost}. Driving thread only.
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

    private final UcpWorker worker;
    private final UcpEndpoint[] endpoints;

    /** @param addresses every rank's worker address (this rank's entry is not used) */
    Endpoints(int rank, UcpWorker worker, byte[][] addresses, LossListener listener) {
        this.worker = worker;
        this.endpoints = new UcpEndpoint[addresses.length];
        for (int p = 0; p < addresses.length; p++) {
            if (p == rank) {
                continue;
            }
            int peer = p;
            ByteBuffer remote = ByteBuffer.allocateDirect(addresses[p].length).put(addresses[p]).flip();
            endpoints[p] = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(remote).setPeerErrorHandlingMode()
                    .setErrorHandler((ep, status, message) -> listener.lost(peer, new JcclException(rank, "transport",
                            "lost rank " + peer + ": " + message + " (UCX status " + status + "; did it exit or crash?)"))));
        }
    }

    /** The endpoint to {@code peer}. */
    UcpEndpoint to(int peer) {
        return endpoints[peer];
    }

    /**
     * Closes every endpoint: a flush delivers what is still in flight to a live peer; the endpoint
     * of a failed peer, or of one with a request still abandoned, can only be forced ({@code force});
     * flushes that cannot finish within {@link #FLUSH_NANOS} (the peer is stuck or gone) are forced too.
     */
    void close(IntPredicate force) {
        List<UcpRequest> closing = new ArrayList<>();
        for (int p = 0; p < endpoints.length; p++) {
            UcpEndpoint ep = endpoints[p];
            if (ep != null) {
                try {
                    closing.add(force.test(p) ? ep.closeNonBlockingForce() : ep.closeNonBlockingFlush());
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
