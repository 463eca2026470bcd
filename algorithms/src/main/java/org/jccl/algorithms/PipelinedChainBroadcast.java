package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Schedule;
import org.jccl.core.Request;
import org.jccl.core.Windows;

/**
 * Pipelined chain broadcast, for large messages.
 *
 * <p>Ranks form a chain in root-relative order: root → root+1 → … → root+p-1. The message is cut
 * into chunks of {@code jccl.chunkBytes}; every rank posts receives for all chunks straight into
 * its buffer, and forwards each chunk to its successor as soon as it arrives, so all links carry
 * data at once.
 *
 * <p>Every rank but the last sends n bytes. Cost: (p-2+k)·(α + n/k·β) for k chunks, which tends to
 * n·β as k grows: the bandwidth bound, whatever p.
 */
public final class PipelinedChainBroadcast {
    /** Selection name. */
    public static final String NAME = "chain";

    private PipelinedChainBroadcast() {
    }

    /** Copies root's {@code data} into every rank's {@code data}. */
    public static void run(Schedule x, ByteBuffer data, int root) {
        int p = x.size();
        if (p == 1) {
            return;
        }
        int vr = Math.floorMod(x.rank() - root, p);
        int next = (x.rank() + 1) % p;
        int prev = (x.rank() + p - 1) % p;
        boolean last = vr == p - 1;
        if (vr == 0) {
            x.awaitAll(x.sendChunks(next, data, 1));
            return;
        }
        int n = data.remaining();
        int c = x.chunk(1);
        int chunks = x.chunkCount(n, 1);
        Request[] recvs = new Request[chunks];
        for (int k = 0; k < chunks; k++) {
            recvs[k] = x.irecv(prev, Windows.of(data, k * c, Math.min(c, n - k * c)));
        }
        Request[] sends = new Request[chunks];
        for (int k = 0; k < chunks; k++) {
            x.await(recvs[k]);
            if (!last) {
                sends[k] = x.isend(next, Windows.of(data, k * c, Math.min(c, n - k * c)));
            }
        }
        x.awaitAll(sends);
    }

    /** Predicted seconds for {@code n} bytes on {@code p} ranks, with chunks of {@code chunk} bytes. */
    public static double cost(CostModel m, int p, long n, int chunk) {
        if (p < 2) {
            return 0;
        }
        long k = Math.max(1, (n + chunk - 1) / chunk);
        return (p - 2 + k) * m.message((double) n / k);
    }
}
