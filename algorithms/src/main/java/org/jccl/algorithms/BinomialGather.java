package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.ScratchPool;
import org.jccl.core.Windows;

/**
 * Binomial-tree gather (blocks may differ in size, which makes it gatherV too).
 *
 * <p>In root-relative numbering, rank v owns the subtree v … v + lowbit(v) - 1, whose blocks are
 * contiguous in relative order. Each rank receives its children's subtrees (child v + 2^k sends
 * blocks v + 2^k … v + 2^(k+1) - 1) into one staging buffer next to its own block, then sends the
 * whole subtree to its parent in one message. The root, unless it is rank 0, finally rotates the
 * relative order back into rank order.
 *
 * <p>Rounds: ⌈log2 p⌉. The root receives (p-1)/p·n bytes (the minimum); intermediate ranks forward
 * their subtrees. Cost: ⌈log2 p⌉·α + (p-1)/p·n·β.
 */
public final class BinomialGather {
    /** Selection name. */
    public static final String NAME = "binomial";

    private BinomialGather() {
    }

    /** Root's {@code recv} (laid out as {@code blocks}, rank order) receives every rank's {@code send}. */
    public static void run(Schedule x, ByteBuffer send, ByteBuffer recv, BlockLayout blocks, int root) {
        int p = x.size();
        int vr = Math.floorMod(x.rank() - root, p);
        BlockLayout rel = relative(blocks, root);
        int hi = vr == 0 ? p : Math.min(p, vr + Integer.lowestOneBit(vr));
        ByteBuffer work;
        if (vr == 0 && root == 0) {
            work = recv;
        } else {
            work = x.scratch(ScratchPool.STAGING, rel.span(vr, hi), send.order());
        }
        int base = rel.offset(vr);
        if (send != work) {
            x.copy(send, Windows.of(work, 0, rel.length(vr)));
        }
        Request[] recvs = new Request[Integer.SIZE];
        int n = 0;
        for (int mask = 1; vr + mask < hi; mask <<= 1) {
            int child = vr + mask;
            int childHi = Math.min(hi, child + mask);
            recvs[n++] = x.irecv((child + root) % p, Windows.of(work, rel.offset(child) - base, rel.span(child, childHi)));
        }
        x.awaitAll(recvs);
        if (vr != 0) {
            x.await(x.isend((vr - Integer.lowestOneBit(vr) + root) % p, work));
        } else if (root != 0) {
            // relative blocks 0..p-root-1 are ranks root..p-1; the rest are ranks 0..root-1
            int head = rel.span(0, p - root);
            x.copy(Windows.of(work, 0, head), Windows.of(recv, blocks.offset(root), head));
            x.copy(Windows.of(work, head, rel.total() - head), Windows.of(recv, 0, blocks.offset(root)));
        }
    }

    /** The layout in root-relative order: relative block i is rank (i + root) mod p's. */
    static BlockLayout relative(BlockLayout blocks, int root) {
        int p = blocks.parts();
        int[] len = new int[p];
        for (int i = 0; i < p; i++) {
            len[i] = blocks.length((i + root) % p);
        }
        return BlockLayout.of(len);
    }

    /** Predicted seconds for {@code n} bytes of blocks on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return CostModel.log2Ceil(p) * m.alpha() + (p - 1.0) / p * n * m.beta();
    }
}
