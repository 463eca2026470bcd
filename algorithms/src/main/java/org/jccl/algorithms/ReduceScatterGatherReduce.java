package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.ScratchPool;

/**
 * Reduce as a ring reduce-scatter followed by a gather of the reduced blocks at the root
 * (Rabenseifner's scheme with a ring in the first half), for large messages.
 *
 * <p>After {@link RingReduceScatter} each rank r holds the finished block r; every rank then sends
 * its block straight to the root, which receives them into place. The root's inbound link carries
 * (p-1)/p·n bytes, the least any reduce can.
 *
 * <p>Bytes sent per rank: 2·(p-1)/p·n at most. Cost: the ring reduce-scatter's, + α + (p-1)/p·n·β
 * for the blocks the root receives at once, against ⌈log2 p⌉·n·β for the binomial tree.
 */
public final class ReduceScatterGatherReduce {
    /** Selection name. */
    public static final String NAME = "reduce_scatter_gather";

    private ReduceScatterGatherReduce() {
    }

    /** Root's {@code recv} gets the reduction of every rank's {@code send}; {@code recv} is unused elsewhere. */
    public static void run(Schedule x, ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        int p = x.size();
        int r = x.rank();
        BlockLayout blocks = BlockLayout.even(send.remaining(), type.size(), p);
        ByteBuffer mine = r == root ? blocks.window(recv, r)
                : x.scratch(ScratchPool.STAGING, blocks.length(r), send.order());
        RingReduceScatter.outOfPlace(x, send, blocks, mine, type, op);
        if (op == ReduceOp.AVG) {
            x.divide(mine, type, p);
        }
        if (r == root) {
            Request[] recvs = new Request[p];
            for (int q = 0; q < p; q++) {
                if (q != root) {
                    recvs[q] = x.irecv(q, blocks.window(recv, q));
                }
            }
            x.awaitAll(recvs);
        } else {
            x.await(x.isend(root, mine));
        }
    }

    /** Predicted seconds for an {@code n}-byte vector on {@code p} ranks, with chunks of {@code chunk} bytes. */
    public static double cost(CostModel m, int p, long n, int chunk) {
        return RingReduceScatter.cost(m, p, n, chunk) + m.alpha() + (p - 1.0) / p * n * m.beta();
    }
}
