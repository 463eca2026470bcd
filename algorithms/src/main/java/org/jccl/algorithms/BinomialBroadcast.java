package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;

/**
 * Binomial-tree broadcast, for small messages.
 *
 * <p>Ranks are renumbered relative to the root (v = (r - root) mod p). Rank v receives the whole
 * message from v minus its lowest set bit, then sends it to v + 2^k for every 2^k below that bit
 * (largest first), so the set of ranks holding the data doubles every round.
 *
 * <p>Rounds: ⌈log2 p⌉. Cost: ⌈log2 p⌉·(α + n·β); the root sends n·⌈log2 p⌉ bytes, which is why
 * large messages use {@link PipelinedChainBroadcast} instead.
 */
public final class BinomialBroadcast {
    /** Selection name. */
    public static final String NAME = "binomial";

    private BinomialBroadcast() {
    }

    /** Copies root's {@code data} into every rank's {@code data}. */
    public static void run(Schedule x, ByteBuffer data, int root) {
        int p = x.size();
        int vr = Math.floorMod(x.rank() - root, p);
        int mask = 1;
        while (mask < p) {
            if ((vr & mask) != 0) {
                x.await(x.irecv((vr - mask + root) % p, data));
                break;
            }
            mask <<= 1;
        }
        mask >>= 1;
        Request[] sends = new Request[Integer.SIZE];
        int n = 0;
        while (mask > 0) {
            if (vr + mask < p) {
                sends[n++] = x.isend((vr + mask + root) % p, data);
            }
            mask >>= 1;
        }
        x.awaitAll(sends);
    }

    /** Predicted seconds for {@code n} bytes on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return CostModel.log2Ceil(p) * m.message(n);
    }
}
