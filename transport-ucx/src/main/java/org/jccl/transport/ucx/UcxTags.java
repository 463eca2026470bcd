package org.jccl.transport.ucx;

import org.jccl.spi.Transport;

/**
 * The 64-bit UCX tag of every message the ucx transport sends:
 * <pre>
 *   63  62                      40 39                                   0
 * +----+-------------------------+--------------------------------------+
 * | sc | sender rank (23 bits)   | SPI tag (40 bits), or a control kind |
 * +----+-------------------------+--------------------------------------+
 * </pre>
 * A receive names its source by matching the full tag. {@code sc} is set on messages sent over a
 * peer's single-copy endpoint (see {@link Endpoints}): UCX keeps messages in order per endpoint only,
 * so the two lanes of one peer must never match each other's receives. Both ends choose the lane from
 * the message's length alone, which sender and receiver agree on.
 */
final class UcxTags {
    /** Ranks the sender field holds. */
    static final int MAX_RANKS = 1 << 23;
    private static final long SPI_TAG_MASK = (1L << Transport.TAG_BITS) - 1;
    private static final long SINGLE_COPY = 1L << 63;

    private UcxTags() {
    }

    /** The tag of a data message from {@code sender} with SPI tag {@code tag}, on the single-copy lane or not. */
    static long data(int sender, long tag, boolean singleCopy) {
        return (singleCopy ? SINGLE_COPY : 0) | ((long) sender << Transport.TAG_BITS) | (tag & SPI_TAG_MASK);
    }

    /** The mask of a receive that takes a message on either lane. */
    static final long EITHER_LANE = ~SINGLE_COPY;

    /** Whether a tag is of a message on the single-copy lane. */
    static boolean singleCopy(long ucxTag) {
        return (ucxTag & SINGLE_COPY) != 0;
    }

    /** The sender named in a tag. */
    static int sender(long ucxTag) {
        return (int) ((ucxTag & ~SINGLE_COPY) >>> Transport.TAG_BITS);
    }
}
