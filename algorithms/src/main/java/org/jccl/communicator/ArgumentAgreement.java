package org.jccl.communicator;

import org.jccl.JcclException;
import org.jccl.spi.CheckMismatch;

/**
 * How ranks find out that they called different collectives, or the same one with different
 * arguments, and how they name who passed what.
 *
 * <p>Every message of a collective carries the sender's {@link Signature#word()} where the transport
 * can check it ({@link org.jccl.spi.Transport#checkedMessageBytes()}: every message over tcp and
 * inproc, up to 4 KiB over ucx). A collective whose messages may be longer sends the word in a
 * message of its own ahead of its first message to each peer ({@link
 * org.jccl.core.Schedule#announceCheck()}), beside the data rather than in a round before it. The
 * first receive that gets another word than its own fails with both words ({@link #named}). That
 * rank breaks the communicator, and its abort tells every other rank what it found
 * ({@link #reported}). {@code jccl.checkArguments=false} turns the check off.
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
}
