package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;
import org.jccl.core.ScratchPool;

/**
 * Recursive-doubling all-reduce, for small messages.
 *
 * <p>Let q be the largest power of two not above p and e = p - q. First the ranks fold onto q
 * ({@link PowerOfTwoFold}): the 2e lowest ranks pair up, each even one sends its vector to the odd
 * one above it and sits out. The q remaining ranks
 * then run log2(q) rounds; in round k each exchanges its whole vector with the rank whose
 * (renumbered) index differs in bit k and reduces. Finally the odd ranks hand the result back to
 * the even ones that sat out. Both partners of a round compute a op b and b op a, which are the
 * same bits for these commutative ops, so every rank ends with identical results.
 *
 * <p>Bytes sent per rank: n·log2(q) (+n for the fold). Cost: (log2 q + 2·[p≠q])·(α + n·β) + (log2 q + [p≠q])·n·γ:
 * the fewest latency terms, so it wins while α dominates.
 */
public final class RecursiveDoublingAllReduce {
    /** Selection name. */
    public static final String NAME = "recursive_doubling";

    private RecursiveDoublingAllReduce() {
    }

    /** Reduces {@code data} in place across all ranks. */
    public static void run(Schedule x, ByteBuffer data, DataType type, ReduceOp op) {
        PowerOfTwoFold fold = new PowerOfTwoFold(x.size(), x.rank());
        ByteBuffer tmp = x.scratch(ScratchPool.WORK_A, data.remaining(), data.order());
        fold.in(x, data, tmp, type, op);
        int vr = fold.virtualRank;
        if (vr >= 0) {
            for (int mask = 1; mask < fold.q; mask <<= 1) {
                int partner = fold.real(vr ^ mask);
                x.sendRecv(partner, data, partner, tmp);
                x.reduce(data, tmp, type, op);
            }
        }
        fold.out(x, data);
        if (op == ReduceOp.AVG) {
            x.divide(data, type, x.size());
        }
    }

    /** Predicted seconds for an {@code n}-byte vector on {@code p} ranks (the fold counts when p is no power of two). */
    public static double cost(CostModel m, int p, long n) {
        int q = Integer.highestOneBit(p);
        int rounds = Integer.numberOfTrailingZeros(q);
        int fold = p == q ? 0 : 1;
        return (rounds + 2 * fold) * m.message(n) + (rounds + fold) * n * m.gamma();
    }
}
