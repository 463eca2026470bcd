package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.Windows;

/**
 * Bruck's all-gather, for small messages: ⌈log2 p⌉ rounds for any p, where the ring takes p-1.
 *
 * <p>Rank r holds the blocks of ranks r, r+1, …, r+h-1 (mod p), h = 1 at first. In round k, with
 * distance d = 2^k, it sends the first min(d, p-d) of them to rank r-d and receives as many from
 * rank r+d: the blocks of ranks r+d, …, which follow its own. h doubles each round until it is p.
 * The blocks a message carries are consecutive ranks, so they lie consecutively in the buffer
 * unless they wrap past rank p-1; then the message goes as two (sender and receiver cut the same
 * ranks at the same place), and nothing is copied. Uneven blocks (allGatherV) work as they are.
 *
 * <p>Bytes sent per rank: (p-1)/p·n for n bytes gathered, as the ring. Cost: ⌈log2 p⌉·α +
 * (p-1)/p·n·β. The ring wins for large messages, where it streams between neighbours only.
 */
public final class BruckAllGather {
    /** Selection name. */
    public static final String NAME = "bruck";

    private BruckAllGather() {
    }

    /** Fills every block of {@code data} but block {@code x.rank()}, which must hold this rank's data. */
    public static void run(Schedule x, ByteBuffer data, BlockLayout blocks) {
        int p = x.size();
        int r = x.rank();
        Request[] rs = new Request[4];
        for (int d = 1; d < p; d <<= 1) {
            int count = Math.min(d, p - d);
            int to = Math.floorMod(r - d, p);
            int from = (r + d) % p;
            int n = post(x, false, from, data, blocks, (r + d) % p, count, rs, 0);
            n = post(x, true, to, data, blocks, r, count, rs, n);
            for (int i = 0; i < n; i++) {
                x.await(rs[i]);
            }
        }
    }

    /**
     * Posts the sends (or receives) of the blocks of ranks first, …, first+count-1 (mod p) to (or
     * from) {@code peer}; returns the next free slot of {@code rs}.
     */
    private static int post(Schedule x, boolean send, int peer, ByteBuffer data, BlockLayout blocks, int first, int count,
                            Request[] rs, int n) {
        for (ByteBuffer w : ranges(data, blocks, first, count)) {
            if (w != null) {
                rs[n++] = send ? x.isend(peer, w) : x.irecv(peer, w);
            }
        }
        return n;
    }

    /**
     * The blocks of ranks first, …, first+count-1 (mod p) as at most two windows, cut where the
     * ranks wrap past p-1; a window of no bytes is null, and is neither sent nor received.
     */
    private static ByteBuffer[] ranges(ByteBuffer data, BlockLayout blocks, int first, int count) {
        int p = blocks.parts();
        int end = Math.min(p, first + count);
        int wrapped = first + count - end;
        return new ByteBuffer[] {window(data, blocks, first, end), window(data, blocks, 0, wrapped)};
    }

    private static ByteBuffer window(ByteBuffer data, BlockLayout blocks, int from, int to) {
        int bytes = blocks.span(from, to);
        return bytes == 0 ? null : Windows.of(data, blocks.offset(from), bytes);
    }

    /** Predicted seconds for {@code n} bytes gathered on {@code p} ranks. */
    public static double cost(CostModel m, int p, long n) {
        return CostModel.log2Ceil(p) * m.alpha() + (p - 1.0) / p * n * m.beta();
    }
}
