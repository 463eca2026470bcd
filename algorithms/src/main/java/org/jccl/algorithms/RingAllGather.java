package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;

/**
 * Ring all-gather.
 *
 * <p>Each rank's own block is already in place. In step s (0 to p-2) rank r forwards block
 * (r-s) mod p to r+1 and receives block (r-s-1) mod p from r-1. All p-1 receives are posted up
 * front (they land in distinct blocks), and each block is forwarded the moment it arrives, so
 * the ring streams without a step barrier.
 *
 * <p>Bytes sent per rank: (p-1)/p·n for n bytes gathered. Cost: (p-1)·α + (p-1)/p·n·β.
 * Works for uneven blocks (allGatherV) as is.
 */
public final class RingAllGather {
    /** Selection name. */
    public static final String NAME = "ring";

    private RingAllGather() {
    }

    /** Fills every block of {@code data} but block {@code x.rank()}, which must hold this rank's data. */
    public static void run(Schedule x, ByteBuffer data, BlockLayout blocks) {
        int p = x.size();
        int r = x.rank();
        if (p == 1) {
            return;
        }
        int right = (r + 1) % p;
        int left = (r + p - 1) % p;
        Request[] recvs = new Request[p - 1];
        for (int s = 0; s < p - 1; s++) {
            recvs[s] = x.irecv(left, blocks.window(data, Math.floorMod(r - s - 1, p)));
        }
        Request[] sends = new Request[p - 1];
        sends[0] = x.isend(right, blocks.window(data, r));
        for (int s = 1; s < p - 1; s++) {
            x.await(recvs[s - 1]);
            sends[s] = x.isend(right, blocks.window(data, Math.floorMod(r - s, p)));
        }
        x.await(recvs[p - 2]);
        x.awaitAll(sends);
    }

    /** Predicted seconds for {@code n} bytes gathered on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return (p - 1) * m.message((double) n / p);
    }
}
