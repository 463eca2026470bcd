package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.ScratchPool;
import org.jccl.core.Windows;

/**
 * Binomial-tree scatter (blocks may differ in size, which makes it scatterV too).
 *
 * <p>The reverse of {@link BinomialGather}: the root (after rotating its blocks into root-relative
 * order unless it is rank 0) sends each child v + 2^k the contiguous blocks of that child's
 * subtree, largest subtree first; every rank receives its subtree from its parent, keeps its own
 * block and passes the rest down the same way.
 *
 * <p>Rounds: ⌈log2 p⌉. The root sends (p-1)/p·n bytes. Cost: ⌈log2 p⌉·α + (p-1)/p·n·β.
 */
public final class BinomialScatter {
    /** Selection name. */
    public static final String NAME = "binomial";

    private BinomialScatter() {
    }

    /** Every rank's {@code recv} receives its block of root's {@code send} (laid out as {@code blocks}). */
    public static void run(Schedule x, ByteBuffer send, ByteBuffer recv, BlockLayout blocks, int root) {
        int p = x.size();
        int vr = Math.floorMod(x.rank() - root, p);
        BlockLayout rel = BinomialGather.relative(blocks, root);
        int hi = vr == 0 ? p : Math.min(p, vr + Integer.lowestOneBit(vr));
        ByteBuffer work;
        if (vr == 0 && root == 0) {
            work = send;
        } else if (vr == 0) {
            work = x.scratch(ScratchPool.STAGING, rel.total(), recv.order());
            int head = rel.span(0, p - root);
            x.copy(Windows.of(send, blocks.offset(root), head), Windows.of(work, 0, head));
            x.copy(Windows.of(send, 0, blocks.offset(root)), Windows.of(work, head, rel.total() - head));
        } else {
            work = x.scratch(ScratchPool.STAGING, rel.span(vr, hi), recv.order());
            x.await(x.irecv((vr - Integer.lowestOneBit(vr) + root) % p, work));
        }
        int base = rel.offset(vr);
        Request[] sends = new Request[Integer.SIZE];
        int n = 0;
        int top = Integer.highestOneBit(Math.max(1, hi - vr - 1));
        for (int mask = top; mask > 0; mask >>= 1) {
            int child = vr + mask;
            if (child < hi) {
                int childHi = Math.min(hi, child + mask);
                sends[n++] = x.isend((child + root) % p, Windows.of(work, rel.offset(child) - base, rel.span(child, childHi)));
            }
        }
        if (work != recv) {
            x.copy(Windows.of(work, 0, rel.length(vr)), recv);
        }
        x.awaitAll(sends);
    }

    /** Predicted seconds for {@code n} bytes of blocks on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return CostModel.log2Ceil(p) * m.alpha() + (p - 1.0) / p * n * m.beta();
    }
}
