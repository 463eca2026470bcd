package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Request;
import org.jccl.core.Schedule;
import org.jccl.core.ScratchPool;
import org.jccl.core.Windows;

/**
 * Bruck's all-to-all, for small blocks on many ranks (equal blocks only: allToAllV always runs
 * {@link PairwiseAllToAll}).
 *
 * <p>Rank r first rotates its p outgoing blocks into a work buffer so that position i holds the
 * block for rank r+i. In round k (k = 0, 1, … while 2^k < p) it packs the blocks at the positions
 * whose bit k is set, sends them to rank r+2^k, receives as many from rank r-2^k and unpacks them
 * into the same positions. A block meant for rank r+i thus travels i hops in ⌈log2 p⌉ rounds, one
 * per set bit of i, and keeps its position; at the end position i holds the block from rank r-i,
 * which the last rotation puts in its place in the receive buffer.
 *
 * <p>Bytes sent per rank: about n/2 per round, ⌈log2 p⌉·n/2 in all, for n bytes of blocks. Cost:
 * ⌈log2 p⌉·(α + n/2·β) plus (2 + ⌈log2 p⌉)·n·γ of local copies: ⌈log2 p⌉ messages where the
 * pairwise exchange sends p-1, so it wins while α dominates and p is large.
 */
public final class BruckAllToAll {
    /** Selection name. */
    public static final String NAME = "bruck";

    private BruckAllToAll() {
    }

    /** Block j of {@code send} goes to rank j and lands in its {@code recv} block {@code x.rank()}. */
    public static void run(Schedule x, ByteBuffer send, ByteBuffer recv, int block) {
        int p = x.size();
        int r = x.rank();
        ByteBuffer work = x.scratch(ScratchPool.WORK_A, p * block, send.order());
        for (int i = 0; i < p; i++) {
            x.copy(Windows.of(send, ((r + i) % p) * block, block), Windows.of(work, i * block, block));
        }
        int most = (p + 1) / 2 * block;
        ByteBuffer out = x.scratch(ScratchPool.WORK_B, most, send.order());
        ByteBuffer in = x.scratch(ScratchPool.STAGING, most, send.order());
        for (int d = 1; d < p; d <<= 1) {
            int n = 0;
            for (int i = d; i < p; i++) {
                if ((i & d) != 0) {
                    x.copy(Windows.of(work, i * block, block), Windows.of(out, n++ * block, block));
                }
            }
            ByteBuffer packed = Windows.of(out, 0, n * block);
            ByteBuffer unpacked = Windows.of(in, 0, n * block);
            Request rr = x.irecv(Math.floorMod(r - d, p), unpacked);
            Request sr = x.isend((r + d) % p, packed);
            x.await(rr);
            x.await(sr);
            for (int i = d, k = 0; i < p; i++) {
                if ((i & d) != 0) {
                    x.copy(Windows.of(in, k++ * block, block), Windows.of(work, i * block, block));
                }
            }
        }
        for (int i = 0; i < p; i++) {
            x.copy(Windows.of(work, i * block, block), Windows.of(recv, Math.floorMod(r - i, p) * block, block));
        }
    }

    /** Predicted seconds for blocks totalling {@code n} bytes per rank. */
    public static double cost(CostModel m, int p, long n) {
        int rounds = CostModel.log2Ceil(p);
        return rounds * m.message(n / 2.0) + (2 + rounds) * n * m.gamma();
    }
}
