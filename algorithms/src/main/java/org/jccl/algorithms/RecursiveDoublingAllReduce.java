package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Exchange;
import org.jccl.core.ScratchPool;
import org.jccl.reduce.ReductionKernel;

/**
 * Recursive-doubling all-reduce, for small messages.
 *
 * <p>Let q be the largest power of two not above p and e = p - q. First the 2e lowest ranks pair
 * up: each even one sends its vector to the odd one above it and sits out. The q remaining ranks
 * then run log2(q) rounds; in round k each exchanges its whole vector with the rank whose
 * (renumbered) index differs in bit k and reduces. Finally the odd ranks hand the result back to
 * the even ones that sat out. Both partners of a round compute a op b and b op a, which are the
 * same bits for these commutative ops, so every rank ends with identical results.
 *
 * <p>Bytes sent per rank: n·log2(q) (+n for the fold). Cost: (⌈log2 p⌉ + 2·[p≠q])·(α + n·β + n·γ):
 * the fewest latency terms, so it wins while α dominates.
 */
public final class RecursiveDoublingAllReduce {
    /** Selection name. */
    public static final String NAME = "recursive_doubling";

    private RecursiveDoublingAllReduce() {
    }

    /** Reduces {@code data} in place across all ranks. */
    public static void run(Exchange x, ByteBuffer data, DataType type, ReduceOp op) {
        int p = x.size();
        int r = x.rank();
        int q = Integer.highestOneBit(p);
        int extra = p - q;
        ByteBuffer tmp = x.scratch(ScratchPool.WORK_A, data.remaining(), data.order());
        int vr;
        if (r < 2 * extra) {
            if (r % 2 == 0) {
                x.await(x.isend(r + 1, data));
                vr = -1;
            } else {
                x.await(x.irecv(r - 1, tmp));
                ReductionKernel.reduce(data, tmp, type, op);
                vr = r / 2;
            }
        } else {
            vr = r - extra;
        }
        if (vr >= 0) {
            for (int mask = 1; mask < q; mask <<= 1) {
                int pv = vr ^ mask;
                int partner = pv < extra ? 2 * pv + 1 : pv + extra;
                x.sendRecv(partner, data, partner, tmp);
                ReductionKernel.reduce(data, tmp, type, op);
            }
        }
        if (r < 2 * extra) {
            if (r % 2 == 0) {
                x.await(x.irecv(r + 1, data));
            } else {
                x.await(x.isend(r - 1, data));
            }
        }
        if (op == ReduceOp.AVG) {
            ReductionKernel.divide(data, type, p);
        }
    }
}
