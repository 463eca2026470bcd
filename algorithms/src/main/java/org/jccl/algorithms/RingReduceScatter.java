package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.ScratchPool;

/**
 * Ring reduce-scatter.
 *
 * <p>Ranks form a ring; rank r sends to r+1 and receives from r-1. The buffer holds p blocks. In
 * step s (0 to p-2) rank r sends block (r-s-1) mod p, which already holds s+1 contributions, and
 * receives block (r-s-2) mod p from its left neighbour, reducing its own contribution into it.
 * After p-1 steps block r holds all p contributions. Each step moves chunks of
 * {@code jccl.chunkBytes}, so receiving the next chunk overlaps reducing the last one.
 *
 * <p>Bytes sent per rank: (p-1)/p·n. Cost: (p-1)·α + (p-1)/p·n·β + (p-1)·min(n/p, chunk)·γ (only the
 * last chunk of each step's reduction shows). Bandwidth-optimal
 * for any p; uneven blocks (reduceScatterV) keep that property as long as blocks are similar.
 */
public final class RingReduceScatter {
    /** Selection name. */
    public static final String NAME = "ring";

    private RingReduceScatter() {
    }

    /** In place: afterwards block r of {@code data} holds the reduction of every rank's block r. */
    public static void inPlace(Schedule x, ByteBuffer data, BlockLayout blocks, DataType type, ReduceOp op) {
        int p = x.size();
        int r = x.rank();
        int right = (r + 1) % p;
        int left = (r + p - 1) % p;
        for (int s = 0; s < p - 1; s++) {
            Request[] sends = x.sendChunks(right, blocks.window(data, Math.floorMod(r - s - 1, p)), type.size());
            x.recvReduce(left, blocks.window(data, Math.floorMod(r - s - 2, p)), type, op);
            x.awaitAll(sends);
        }
    }

    /**
     * Out of place: {@code input} (p blocks) is only read; the reduction of block r lands in
     * {@code output}. Partial sums travel through two alternating work buffers.
     */
    public static void outOfPlace(Schedule x, ByteBuffer input, BlockLayout blocks, ByteBuffer output,
                                  DataType type, ReduceOp op) {
        int p = x.size();
        int r = x.rank();
        if (p == 1) {
            x.copy(blocks.window(input, 0), output);
            return;
        }
        int right = (r + 1) % p;
        int left = (r + p - 1) % p;
        ByteBuffer outgoing = blocks.window(input, Math.floorMod(r - 1, p));
        for (int s = 0; s < p - 1; s++) {
            int rb = Math.floorMod(r - s - 2, p);
            ByteBuffer acc = s == p - 2 ? output
                    : x.scratch(s % 2 == 0 ? ScratchPool.WORK_A : ScratchPool.WORK_B, blocks.length(rb), output.order());
            Request[] sends = x.sendChunks(right, outgoing, type.size());
            x.copy(blocks.window(input, rb), acc);
            x.recvReduce(left, acc, type, op);
            x.awaitAll(sends);
            outgoing = acc;
        }
    }

    /**
     * Predicted seconds for {@code n} bytes of blocks on {@code p} ranks, with chunks of
     * {@code chunk} bytes: a block's reduction overlaps the receipt of its next chunk, so only one
     * chunk's worth of γ shows per step.
     */
    public static double cost(CostModel m, int p, long n, int chunk) {
        double block = (double) n / p;
        return (p - 1) * (m.message(block) + Math.min(block, chunk) * m.gamma());
    }
}
