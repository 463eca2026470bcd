package org.jccl.core;

import org.jccl.spi.Transport;

/**
 * The transport tag of every message, in the low {@link Transport#TAG_BITS} bits:
 * <pre>
 *  39 38 37                                              0
 * +-----+-------------------------------------------------+
 * | k 2 | collective sequence 38 / user tag 32 / split 22+round 16 |
 * +-----+-------------------------------------------------+
 * </pre>
 * k = 0 for collectives (all messages of collective #seq share one tag and match in FIFO order per
 * pair of ranks), k = 1 for point-to-point (the user's tag), k = 2 for the bootstrap of a split
 * (split number and round), k = 3 for the cost probe and the {@link org.jccl.Mailbox} (envelopes,
 * and the data and answer of its message number n; bit 37 stays clear, as the ucx transport's control
 * messages take 7 &lt;&lt; 37). Distinct collectives therefore never share a tag, even when they run
 * back to back with no barrier. Each communicator has connections of its own, so no communicator id
 * is needed; the upper bits are left to the transport (UCX puts the sender's rank there).
 */
public final class Tags {
    private static final long PAYLOAD_MASK = (1L << 38) - 1;

    private Tags() {
    }

    /** The tag of collective number {@code sequence} (modulo 2^38). */
    public static long collective(long sequence) {
        return sequence & PAYLOAD_MASK;
    }

    /** The tag of user point-to-point messages with {@code userTag}. */
    public static long pointToPoint(int userTag) {
        return (1L << 38) | (userTag & 0xffffffffL);
    }

    /** The tag of round {@code round} of the bootstrap of split number {@code split}. */
    public static long bootstrap(long split, int round) {
        return (2L << 38) | ((split & 0x3fffffL) << 16) | (round & 0xffff);
    }

    /** The tag of the start-up measurement of the cost model. */
    public static long costProbe() {
        return 3L << 38;
    }

    /** Mailbox tags: k = 3 with bit 36 set and bit 37 clear (ucx's control messages use 7 << 37). */
    private static final long MAILBOX = (3L << 38) | (1L << 36);
    private static final long MAILBOX_SEQUENCE_MASK = (1L << 34) - 1;

    /** The tag of every envelope of a mailbox. */
    public static long mailboxEnvelope() {
        return MAILBOX;
    }

    /** The tag of the data that follows the envelope of mailbox message {@code n} (per pair of ranks, modulo 2^34). */
    public static long mailboxData(long n) {
        return MAILBOX | (1L << 34) | (n & MAILBOX_SEQUENCE_MASK);
    }

    /** The tag of the answer to a synchronous mailbox message {@code n}, once matched. */
    public static long mailboxMatched(long n) {
        return MAILBOX | (2L << 34) | (n & MAILBOX_SEQUENCE_MASK);
    }
}
