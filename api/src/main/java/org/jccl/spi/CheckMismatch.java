package org.jccl.spi;

import org.jccl.JcclException;

/**
 * A receive failed because the message that matched it carries another check word than the
 * receive: the two ranks are not in the same call (see {@link Transport#send(int, long, long,
 * java.nio.ByteBuffer, Completion)}). It names both words, so that the communicator can say who
 * passed what.
 */
public final class CheckMismatch extends JcclException {
    private static final long serialVersionUID = 1L;

    private final int peer;
    private final long mine;
    private final long theirs;

    /**
     * @param rank this rank
     * @param peer the sender of the message
     * @param mine the receive's check word
     * @param theirs the message's check word
     */
    public CheckMismatch(int rank, int peer, long mine, long theirs) {
        super(rank, "recv", "the message from rank " + peer + " carries check word 0x" + Long.toHexString(theirs)
                + " where this receive expects 0x" + Long.toHexString(mine));
        this.peer = peer;
        this.mine = mine;
        this.theirs = theirs;
    }

    /** The rank that sent the message. */
    public int peer() {
        return peer;
    }

    /** The check word of this rank's receive. */
    public long mine() {
        return mine;
    }

    /** The check word the message carried. */
    public long theirs() {
        return theirs;
    }
}
