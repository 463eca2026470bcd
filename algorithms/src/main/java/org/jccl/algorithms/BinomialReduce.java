package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;
import org.jccl.core.ScratchPool;

/**
 * Binomial-tree reduce, for small messages.
 *
 * <p>The mirror image of {@link BinomialBroadcast}: in root-relative numbering, rank v receives the
 * partial result of each child v + 2^k (for every 2^k below v's lowest set bit, smallest first),
 * reducing each into its accumulator, then sends the accumulator to its parent. Receives are
 * chunked so a chunk is reduced while the next arrives.
 *
 * <p>Rounds: ⌈log2 p⌉. Cost: ⌈log2 p⌉·(α + n·β + n·γ).
 */
public final class BinomialReduce {
    /** Selection name. */
    public static final String NAME = "binomial";

    private BinomialReduce() {
    }

    /** Root's {@code recv} gets the reduction of every rank's {@code send}; {@code recv} is unused elsewhere. */
    public static void run(Schedule x, ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        int p = x.size();
        int vr = Math.floorMod(x.rank() - root, p);
        ByteBuffer acc = vr == 0 ? recv : x.scratch(ScratchPool.WORK_A, send.remaining(), send.order());
        if (acc != send) {
            x.copy(send, acc);
        }
        for (int mask = 1; mask < p; mask <<= 1) {
            if ((vr & mask) == 0) {
                int child = vr | mask;
                if (child < p) {
                    x.recvReduce((child + root) % p, acc, type, op);
                }
            } else {
                x.awaitAll(x.sendChunks((vr - mask + root) % p, acc, type.size()));
                break;
            }
        }
        if (vr == 0 && op == ReduceOp.AVG) {
            x.divide(acc, type, p);
        }
    }

    /** Predicted seconds for an {@code n}-byte vector on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return CostModel.log2Ceil(p) * (m.message(n) + n * m.gamma());
    }
}
