package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.ScratchPool;

/**
 * Pairwise-exchange all-to-all (blocks may differ in size, which makes it allToAllV too).
 *
 * <p>In step s (1 to p-1) rank r sends its block for rank r+s and receives rank r-s's block for
 * it, so each step is a permutation and no rank is a hot spot. All steps are posted at once and the
 * transport streams them. In place, the outgoing blocks are first copied aside, since incoming
 * blocks overwrite them.
 *
 * <p>Bytes sent per rank: (p-1)/p·n. Cost: (p-1)·α + (p-1)/p·n·β.
 */
public final class PairwiseAllToAll {
    /** Selection name. */
    public static final String NAME = "pairwise";

    private PairwiseAllToAll() {
    }

    /** Block j of {@code send} goes to rank j and lands in its {@code recv} block {@code x.rank()}. */
    public static void run(Schedule x, ByteBuffer send, BlockLayout sendBlocks, ByteBuffer recv, BlockLayout recvBlocks) {
        int p = x.size();
        int r = x.rank();
        ByteBuffer src = send;
        if (send == recv) {
            src = x.scratch(ScratchPool.STAGING, sendBlocks.total(), send.order());
            x.copy(send, src);
        } else {
            x.copy(sendBlocks.window(send, r), recvBlocks.window(recv, r));
        }
        Request[] rs = new Request[2 * (p - 1)];
        for (int s = 1; s < p; s++) {
            int from = (r - s + p) % p;
            rs[2 * (s - 1)] = x.irecv(from, recvBlocks.window(recv, from));
        }
        for (int s = 1; s < p; s++) {
            int to = (r + s) % p;
            rs[2 * (s - 1) + 1] = x.isend(to, sendBlocks.window(src, to));
        }
        x.awaitAll(rs);
    }

    /** Predicted seconds for {@code n} bytes of blocks per rank on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return (p - 1) * m.message((double) n / p);
    }
}
