package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;
import org.jccl.core.ScratchPool;
import org.jccl.core.Windows;

/**
 * Halving-doubling all-reduce (Rabenseifner's): a reduce-scatter by recursive halving, then an
 * all-gather by recursive doubling, over q near-equal blocks, for mid-sized messages.
 *
 * <p>The ranks first fold onto q, the largest power of two not above p ({@link PowerOfTwoFold}).
 * Reduce-scatter: each virtual rank v starts holding the whole range of q blocks; in round k
 * (mask q/2, q/4, …, 1) it splits its range in two, keeps the half whose blocks agree with v in
 * the mask's bit, sends the other half to v ^ mask and reduces that partner's copy of the kept
 * half in. After log2(q) rounds v holds block v fully reduced (AVG divides it there, once).
 * All-gather: in round k (mask 1, 2, …, q/2) v and v ^ mask swap the ranges they hold, so each
 * range doubles until every rank holds every block. Both phases write disjoint windows, so the
 * blocks a rank ends with are bit for bit those their owners reduced. Then the fold is undone.
 *
 * <p>Bytes sent per rank: 2·(q-1)/q·n (+2n for the fold). Cost: 2·log2(q)·α + 2·(q-1)/q·n·β +
 * (q-1)/q·n·γ: the ring's bandwidth term with log2 rather than linear latency terms, so it wins
 * between recursive doubling's small messages and sizes where the ring's pipelining pays.
 */
public final class HalvingDoublingAllReduce {
    /** Selection name. */
    public static final String NAME = "halving_doubling";

    private HalvingDoublingAllReduce() {
    }

    /** Reduces {@code data} in place across all ranks. */
    public static void run(Schedule x, ByteBuffer data, DataType type, ReduceOp op) {
        PowerOfTwoFold fold = new PowerOfTwoFold(x.size(), x.rank());
        int q = fold.q;
        BlockLayout blocks = BlockLayout.even(data.remaining(), type.size(), q);
        // the fold receives a whole vector; the rounds at most half of one
        ByteBuffer tmp = x.scratch(ScratchPool.WORK_A, x.size() != q ? data.remaining()
                : Math.max(blocks.span(0, q / 2), blocks.span(q / 2, q)), data.order());
        fold.in(x, data, tmp, type, op);
        int v = fold.virtualRank;
        if (v >= 0) {
            int lo = 0;
            for (int mask = q / 2; mask >= 1; mask >>= 1) {
                int mid = lo + mask;
                boolean upper = (v & mask) != 0;
                int keepFrom = upper ? mid : lo;
                int sendFrom = upper ? lo : mid;
                ByteBuffer keep = range(data, blocks, keepFrom, mask);
                ByteBuffer theirs = Windows.of(tmp, 0, keep.remaining());
                int partner = fold.real(v ^ mask);
                x.sendRecv(partner, range(data, blocks, sendFrom, mask), partner, theirs);
                x.reduce(keep, theirs, type, op);
                lo = keepFrom;
            }
            if (op == ReduceOp.AVG) {
                x.divide(blocks.window(data, v), type, x.size());
            }
            for (int mask = 1; mask < q; mask <<= 1) {
                int mine = v & ~(mask - 1);
                int partner = fold.real(v ^ mask);
                x.sendRecv(partner, range(data, blocks, mine, mask), partner, range(data, blocks, mine ^ mask, mask));
            }
        }
        fold.out(x, data);
    }

    /** Blocks {@code from} to {@code from + count} of {@code data} as one window. */
    private static ByteBuffer range(ByteBuffer data, BlockLayout blocks, int from, int count) {
        return Windows.of(data, blocks.offset(from), blocks.span(from, from + count));
    }

    /** Predicted seconds for an {@code n}-byte vector on {@code p} ranks (the fold counts when p is no power of two). */
    public static double cost(CostModel m, int p, long n) {
        int q = Integer.highestOneBit(p);
        int rounds = Integer.numberOfTrailingZeros(q);
        double share = (q - 1.0) / q * n;
        double fold = p == q ? 0 : 2 * m.message(n) + n * m.gamma();
        return 2 * rounds * m.alpha() + 2 * share * m.beta() + share * m.gamma() + fold;
    }
}
