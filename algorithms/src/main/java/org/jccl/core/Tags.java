package org.jccl.core;

/**
 * The 64-bit transport tag of every message:
 * <pre>
 *  63        48 47 46 45                                        0
 * +------------+-----+------------------------------------------+
 * | comm id 16 | k 2 | collective sequence 46 / user tag 32     |
 * +------------+-----+------------------------------------------+
 * </pre>
 * k = 0 for collectives (all messages of collective #seq share one tag and match in FIFO order per
 * pair of ranks), k = 1 for point-to-point (the user's tag), k = 2 for the bootstrap of a split
 * (split number and round). Distinct collectives therefore never share a tag, even when they run
 * back to back with no barrier. (A split communicator has connections of its own.)
 */
public final class Tags {
    private static final long SEQUENCE_MASK = (1L << 46) - 1;

    private Tags() {
    }

    /** The tag of collective number {@code sequence} on communicator {@code commId}. */
    public static long collective(int commId, long sequence) {
        return ((long) (commId & 0xffff) << 48) | (sequence & SEQUENCE_MASK);
    }

    /** The tag of round {@code round} of the bootstrap of split number {@code split}. */
    public static long bootstrap(int commId, long split, int round) {
        return ((long) (commId & 0xffff) << 48) | (2L << 46) | ((split & 0x3fffffffL) << 16) | (round & 0xffff);
    }

    /** The tag of user point-to-point messages with {@code userTag} on communicator {@code commId}. */
    public static long pointToPoint(int commId, int userTag) {
        return ((long) (commId & 0xffff) << 48) | (1L << 46) | (userTag & 0xffffffffL);
    }
}
