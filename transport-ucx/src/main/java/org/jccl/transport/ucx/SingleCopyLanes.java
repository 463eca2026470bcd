package org.jccl.transport.ucx;

import org.jccl.Configuration;
import org.jccl.spi.Placement;

/**
 * Which messages take a peer's single-copy endpoint ({@link Endpoints}): those of at least the
 * pair's line, the larger of the two ranks' {@code jccl.ucx.singleCopyBytes}, between two ranks on
 * one machine that both make such endpoints. Both ends of a message decide alike from its length,
 * and its tag says the lane ({@link UcxTags}).
 */
final class SingleCopyLanes {
    /** Per peer: the smallest message in wire bytes that takes its single-copy endpoint; 0: none. */
    private final int[] from;

    SingleCopyLanes(int size) {
        this.from = new int[size];
    }

    /**
     * The line this rank publishes, or 0 when it makes no single-copy endpoints: turned off, or cma
     * left out of {@code UCX_TLS}. Always above {@code checkedWireBytes}, so that a checked receive,
     * which takes any checked message, stays on one lane.
     */
    static int own(int checkedWireBytes) {
        int bytes = Configuration.intProperty(Configuration.PROP_UCX_SINGLE_COPY_BYTES,
                Configuration.DEFAULT_UCX_SINGLE_COPY_BYTES);
        return bytes <= 0 || !UcxDefaults.allowsSingleCopy(System.getenv("UCX_TLS")) ? 0
                : Math.max(bytes, checkedWireBytes + 1);
    }

    /** Sets {@code peer}'s lane from both ranks' published lines and placements. */
    void agree(int peer, int mine, Placement here, int theirs, Placement there) {
        from[peer] = mine > 0 && theirs > 0 && here.sameMachine(there) ? Math.max(mine, theirs) : 0;
    }

    /** How many peers have a single-copy endpoint. */
    int count() {
        int n = 0;
        for (int f : from) {
            n += f > 0 ? 1 : 0;
        }
        return n;
    }

    /** Whether {@code peer} has a single-copy endpoint. */
    boolean has(int peer) {
        return from[peer] > 0;
    }

    /** Whether {@code op}'s message takes its peer's single-copy endpoint. */
    boolean carries(PostedOp op) {
        int line = from[op.peer];
        return line > 0 && op.wireLength >= line;
    }
}
