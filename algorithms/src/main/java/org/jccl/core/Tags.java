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
 * (split number and round). Distinct collectives therefore never share a tag, even when they run
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
}
