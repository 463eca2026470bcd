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
import org.jccl.spi.CheckMismatch;

/**
 * How ranks find out that they called different collectives, or the same one with different
 * arguments, and how they name who passed what.
 *
 * <p>When every message of a collective can carry a check word
 * ({@link org.jccl.spi.Transport#checkedMessageBytes()}: tcp and inproc), at
 * no cost of its own: every message of the collective carries the sender's {@link Signature#word()},
 * and the first receive that gets another word than its own fails with both words
 * ({@link #named}). That rank breaks the communicator, and its abort tells every other rank what it
 * found ({@link #reported}).
 *
 * <p>Otherwise, a round before any data moves ({@link #verify}): a recursive-doubling
 * max-reduction of (h, ¬h) for the hash h of each rank's signature yields max and min of the hashes
 * in one ⌈log2 p⌉-round exchange of 16 bytes; only when they differ do the ranks all-gather their
 * full signatures. That costs one small-message latency per collective.
 *
 * <p>Either way a mismatch breaks the communicator on every rank ({@code jccl.checkArguments=false}
 * turns the check off).
 */
final class ArgumentAgreement {
    private static final String PHRASE = "ranks passed different arguments: ";

    /** Ranks disagreed on a collective's arguments. */
    static final class Mismatch extends JcclException {
        private static final long serialVersionUID = 1L;

        Mismatch(int rank, String operation, String cause) {
            super(rank, operation, cause);
        }
    }

    private ArgumentAgreement() {
    }

    /** The mismatch a receive found: this rank's call against what the message's sender called. */
    static Mismatch named(int rank, String operation, Signature mine, CheckMismatch found) {
        String me = "rank " + rank + " " + Signature.ofWord(mine.word()).describe();
        String them = "rank " + found.peer() + " " + Signature.ofWord(found.theirs()).describe();
        return new Mismatch(rank, operation, PHRASE + (rank < found.peer() ? me + ", " + them : them + ", " + me));
    }

    /**
     * The mismatch another rank found and reported through its abort, as this rank's failure of
     * {@code operation}; null when {@code failure} is about something else.
     */
    static Mismatch reported(int rank, String operation, JcclException failure) {
        String m = failure.getMessage();
        int at = m == null ? -1 : m.indexOf(PHRASE);
        return at < 0 ? null : new Mismatch(rank, operation, m.substring(at));
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
        StringBuilder why = new StringBuilder(PHRASE);
        Signature first = Signature.decode(all, 0);
        why.append("rank 0 ").append(first.describe());
        for (int r = 1; r < p; r++) {
            Signature s = Signature.decode(all, Signature.BYTES * r);
            if (!s.equals(first)) {
                why.append(", rank ").append(r).append(' ').append(s.describe());
            }
        }
        throw new Mismatch(x.rank(), operation, why.toString());
    }
}
