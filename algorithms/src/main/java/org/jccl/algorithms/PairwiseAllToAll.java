package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.ScratchPool;

/**
 * Pairwise-exchange all-to-all (blocks may differ in size, which makes it allToAllV too).
 *
 * <p>In step s (1 to p-1) rank r sends its block for rank r+s and receives rank r-s's block for
 * it, so each step is a permutation and no rank is a hot spot. Small blocks go all at once: the
 * steps then cost one latency, not p-1. Blocks from {@link #STEP_BY_STEP_BYTES} on go one step at
 * a time when some peer is across a network: posted at once, p-1 senders stream into every rank's
 * link together, and on a switched network (the shaped cluster: 4 hosts, 1 Gbit/s) that incast
 * overflowed the queues and kept all-to-all at 0.36-0.61 of the link rate from 1 to 16 MiB, where
 * one step at a time reached 0.56-0.90. Inside one machine there is no such queue, and one step at
 * a time only cost (loopback tcp, 4 ranks on 2 cores: 1-4 MiB up to 1.6x slower). In place, the
 * outgoing blocks are first copied aside, since incoming blocks overwrite them.
 *
 * <p>Bytes sent per rank: (p-1)/p·n. Cost: (p-1)·α + (p-1)/p·n·β.
 */
public final class PairwiseAllToAll {
    /** Selection name. */
    public static final String NAME = "pairwise";
    /** Average block size (bytes a rank sends, over p) from which the steps go one at a time. */
    static final int STEP_BY_STEP_BYTES = 128 * 1024;

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
        if (sendBlocks.total() / p >= STEP_BY_STEP_BYTES && !x.allPeersOnMachine()) {
            for (int s = 1; s < p; s++) {
                int from = (r - s + p) % p;
                int to = (r + s) % p;
                x.awaitAll(x.irecv(from, recvBlocks.window(recv, from)), x.isend(to, sendBlocks.window(src, to)));
            }
            return;
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
