package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jccl.JcclException;
import org.jccl.algorithms.BlockLayout;
import org.jccl.algorithms.BruckAllGather;
import org.jccl.core.Schedule;
import org.jccl.core.ScratchPool;
import org.jccl.spi.CheckMismatch;

/**
 * How ranks find out that they called different collectives, or the same one with different
 * arguments, and how they name who passed what.
 *
 * <p>When every message of a collective can carry a check word
 * ({@link org.jccl.spi.Transport#checkedMessageBytes()}: every message over tcp and inproc, up to
 * 4 KiB over ucx), at
 * no cost of its own: every message of the collective carries the sender's {@link Signature#word()},
 * and the first receive that gets another word than its own fails with both words
 * ({@link #named}). That rank breaks the communicator, and its abort tells every other rank what it
 * found ({@link #reported}).
 *
 * <p>Otherwise, a round before any data moves ({@link #verify}): the ranks all-gather their check
 * words (⌈log2 p⌉ rounds of Bruck's algorithm, {@code 8·p} bytes in all) and compare them.
 * That costs one small-message latency per collective. The round's messages carry the word as
 * well, so a rank that skipped the round (it saw smaller buffers) and one that runs it still name
 * the mismatch from the first message between them.
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

    /**
     * Writes the round into {@code x}, ahead of the collective's own steps: a Bruck all-gather of
     * every rank's check word ({@link Signature#word()}), then a step that fails with who passed what
     * when they differ.
     */
    static void verify(Schedule x, String operation, Signature mine) {
        int p = x.size();
        ByteBuffer all = x.scratch(ScratchPool.AGREEMENT, Long.BYTES * p, ByteOrder.nativeOrder());
        long word = mine.word();
        x.local(() -> all.putLong(Long.BYTES * x.rank(), word));
        BruckAllGather.run(x, all, BlockLayout.uniform(Long.BYTES, p));
        x.local(() -> {
            long first = all.getLong(0);
            StringBuilder why = null;
            for (int r = 1; r < p; r++) {
                long w = all.getLong(Long.BYTES * r);
                if (w != first) {
                    if (why == null) {
                        why = new StringBuilder(PHRASE).append("rank 0 ").append(Signature.ofWord(first).describe());
                    }
                    why.append(", rank ").append(r).append(' ').append(Signature.ofWord(w).describe());
                }
            }
            if (why != null) {
                throw new Mismatch(x.rank(), operation, why.toString());
            }
        });
    }
}
