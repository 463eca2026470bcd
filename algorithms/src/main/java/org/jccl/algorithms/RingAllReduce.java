package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;

/**
 * Ring all-reduce: a ring reduce-scatter followed by a ring all-gather over p near-equal blocks
 * (see {@link RingReduceScatter} and {@link RingAllGather}). For AVG each rank divides its own
 * fully reduced block once, before it is gathered, so every rank ends with identical bits.
 *
 * <p>Bytes sent per rank: 2·(p-1)/p·n. Cost: 2(p-1)·α + 2(p-1)/p·n·β + (p-1)·min(n/p, chunk)·γ: the
 * bandwidth lower bound, with the reduction hidden behind the receipt of the next chunk, so it is
 * the choice for large messages; the 2(p-1) latency terms make it a poor one for small ones.
 */
public final class RingAllReduce {
    /** Selection name. */
    public static final String NAME = "ring";

    private RingAllReduce() {
    }

    /** Reduces {@code data} in place across all ranks. */
    public static void run(Schedule x, ByteBuffer data, DataType type, ReduceOp op) {
        BlockLayout blocks = BlockLayout.even(data.remaining(), type.size(), x.size());
        RingReduceScatter.inPlace(x, data, blocks, type, op);
        if (op == ReduceOp.AVG) {
            x.divide(blocks.window(data, x.rank()), type, x.size());
        }
        RingAllGather.run(x, data, blocks);
    }

    /** Predicted seconds for an {@code n}-byte vector on {@code p} ranks, with chunks of {@code chunk} bytes. */
    public static double cost(CostModel m, int p, long n, int chunk) {
        return RingReduceScatter.cost(m, p, n, chunk) + RingAllGather.cost(m, p, n);
    }
}
