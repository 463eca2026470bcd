package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.algorithms.BlockLayout;
import org.jccl.algorithms.RecursiveDoublingAllReduce;
import org.jccl.algorithms.RingAllGather;
import org.jccl.core.Exchange;
import org.jccl.core.ScratchPool;

/**
 * Checks, before any data moves, that every rank called the same collective with the same
 * arguments: a recursive-doubling max-reduction of (h, ¬h) for the hash h of each rank's
 * {@link Signature} yields max and min of the hashes in one ⌈log2 p⌉-round exchange of 16 bytes.
 * Only when they differ do the ranks all-gather their full signatures, so that every rank can name
 * who passed what. The cost is that of one 16-byte all-reduce per collective: invisible for large
 * messages, about one small-message latency for small ones ({@code jccl.checkArguments=false}
 * turns it off).
 */
final class ArgumentAgreement {
    /** Ranks disagreed; nothing was sent yet, so the communicator stays usable. */
    static final class Mismatch extends JcclException {
        private static final long serialVersionUID = 1L;

        Mismatch(int rank, String operation, String cause) {
            super(rank, operation, cause);
        }
    }

    private ArgumentAgreement() {
    }

    static void verify(Exchange x, String operation, Signature mine) {
        long h = mine.hash();
        ByteBuffer v = x.scratch(ScratchPool.AGREEMENT, 16, ByteOrder.nativeOrder()).putLong(0, h).putLong(8, ~h);
        RecursiveDoublingAllReduce.run(x, v, DataType.INT64, ReduceOp.MAX);
        if (v.getLong(0) == ~v.getLong(8)) {
            return;
        }
        int p = x.size();
        ByteBuffer all = ByteBuffer.allocateDirect(Signature.BYTES * p);
        mine.encode(all, Signature.BYTES * x.rank());
        RingAllGather.run(x, all, BlockLayout.uniform(Signature.BYTES, p));
        StringBuilder why = new StringBuilder("ranks passed different arguments:");
        Signature first = Signature.decode(all, 0);
        why.append(" rank 0 ").append(first.describe());
        for (int r = 1; r < p; r++) {
            Signature s = Signature.decode(all, Signature.BYTES * r);
            if (!s.equals(first)) {
                why.append(", rank ").append(r).append(' ').append(s.describe());
            }
        }
        throw new Mismatch(x.rank(), operation, why.toString());
    }
}
