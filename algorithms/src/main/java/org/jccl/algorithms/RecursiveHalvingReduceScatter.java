package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;
import org.jccl.core.ScratchPool;
import org.jccl.core.Windows;

/**
 * Recursive-halving reduce-scatter, for small messages: ⌈log2 p⌉ rounds (plus two for a fold when p
 * is not a power of two), where the ring takes p-1.
 *
 * <p>The input is copied to a work buffer, which the rounds reduce into. The ranks fold onto q, the
 * largest power of two not above p ({@link PowerOfTwoFold}): virtual rank v stands for the real
 * ranks it represents (2v and 2v+1 below the fold, else v+e), and so for a run of consecutive
 * blocks, its group. Each virtual rank starts with the whole range of q groups; in round k (mask
 * q/2, …, 1) it splits its range in two, keeps the half whose groups agree with v in the mask's bit,
 * sends the other half to v ^ mask and reduces that partner's copy of the kept half in. After the
 * rounds v holds its group fully reduced; an odd rank below the fold hands block 2v to the even rank
 * that sat out. Uneven blocks (reduceScatterV) work as they are.
 *
 * <p>Bytes sent per rank: (q-1)/q·n (+n for the fold). Cost: log2(q)·α + (q-1)/q·n·(β + γ) + n·γ for
 * the copy of the input, + 2·α + (n + n/p)·β + n·γ around the fold.
 */
public final class RecursiveHalvingReduceScatter {
    /** Selection name. */
    public static final String NAME = "recursive_halving";

    private RecursiveHalvingReduceScatter() {
    }

    /**
     * {@code input} (p blocks) is only read; the reduction of block {@code x.rank()} lands in
     * {@code output}, which may be that block of {@code input}.
     */
    public static void run(Schedule x, ByteBuffer input, BlockLayout blocks, ByteBuffer output, DataType type,
                           ReduceOp op) {
        int p = x.size();
        int r = x.rank();
        PowerOfTwoFold fold = new PowerOfTwoFold(p, r);
        int q = fold.q;
        ByteBuffer work = x.scratch(ScratchPool.WORK_A, blocks.total(), input.order());
        x.copy(input, work);
        ByteBuffer tmp = x.scratch(ScratchPool.WORK_B, blocks.total(), input.order());
        fold.in(x, work, Windows.of(tmp, 0, work.remaining()), type, op);
        int v = fold.virtualRank;
        if (v >= 0) {
            int lo = 0;
            for (int mask = q / 2; mask >= 1; mask >>= 1) {
                boolean upper = (v & mask) != 0;
                int keepFrom = upper ? lo + mask : lo;
                int sendFrom = upper ? lo : lo + mask;
                ByteBuffer keep = groups(work, blocks, fold, keepFrom, mask);
                ByteBuffer theirs = Windows.of(tmp, 0, keep.remaining());
                int partner = fold.real(v ^ mask);
                x.sendRecv(partner, groups(work, blocks, fold, sendFrom, mask), partner, theirs);
                x.reduce(keep, theirs, type, op);
                lo = keepFrom;
            }
        }
        if (fold.sitsOut()) {
            x.await(x.irecv(r + 1, output));
            return;
        }
        if (fold.standsIn()) {
            x.await(x.isend(r - 1, blocks.window(work, r - 1)));
        }
        x.copy(blocks.window(work, r), output);
    }

    /** The blocks of virtual ranks {@code from} to {@code from + count} as one window. */
    private static ByteBuffer groups(ByteBuffer work, BlockLayout blocks, PowerOfTwoFold fold, int from, int count) {
        int first = fold.firstRank(from);
        int end = fold.firstRank(from + count);
        return Windows.of(work, blocks.offset(first), blocks.span(first, end));
    }

    /**
     * Predicted seconds for {@code n} bytes of blocks on {@code p} ranks: the rounds, the copy of the
     * input, and the fold when p is no power of two.
     */
    public static double cost(CostModel m, int p, long n) {
        int q = Integer.highestOneBit(p);
        double share = (q - 1.0) / q * n;
        double fold = p == q ? 0 : m.message(n) + n * m.gamma() + m.message((double) n / p);
        return Integer.numberOfTrailingZeros(q) * m.alpha() + share * (m.beta() + m.gamma()) + n * m.gamma() + fold;
    }
}
