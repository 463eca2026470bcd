package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import org.jccl.spi.Completion;

/**
 * Operations that ended cleanly, kept for the next message so that a message allocates no
 * {@link PostedOp}: a small collective posts several per call, and on a VM fresh heap memory costs
 * more than the call. Only an operation that succeeded, whose request UCX has completed, comes
 * back: a failed one may still be held by UCX (a given-up receive's callback, an abandoned send).
 * Driving thread only.
 */
final class PostedOpPool {
    /** Operations kept at most: more than a collective has in flight, fewer than a leak would hold. */
    private static final int KEPT = 256;

    private final UcxTransport owner;
    private final PostedOp[] free = new PostedOp[KEPT];
    private int count;

    PostedOpPool(UcxTransport owner) {
        this.owner = owner;
    }

    /** A kept operation made into the one described, or a new one. */
    PostedOp take(int peer, boolean send, boolean upTo, long tag, long check, ByteBuffer buf, Completion done) {
        if (count == 0) {
            return new PostedOp(owner).reset(peer, send, upTo, tag, check, buf, done);
        }
        PostedOp op = free[--count];
        free[count] = null;
        return op.reset(peer, send, upTo, tag, check, buf, done);
    }

    /** Keeps {@code op}, which ended cleanly and which nothing refers to any more. */
    void give(PostedOp op) {
        if (count < KEPT) {
            free[count++] = op;
        }
    }
}
