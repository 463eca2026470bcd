package org.jccl;

/**
 * A {@link Mailbox} receive matched a message longer than its buffer: the buffer holds the
 * message's first bytes, and the rest is dropped. MPI calls this {@code MPI_ERR_TRUNCATE}. It is a
 * local error: the communicator stays usable.
 */
public final class TruncatedMessage extends JcclException {
    private static final long serialVersionUID = 1L;

    private final transient Envelope envelope;

    /** The receive on {@code rank} had room for {@code room} bytes of the message {@code envelope}. */
    public TruncatedMessage(int rank, Envelope envelope, int room) {
        super(rank, "recv", "message of " + envelope.length() + " B from rank " + envelope.source() + " with tag "
                + envelope.tag() + " is longer than the receive buffer of " + room + " B");
        this.envelope = envelope;
    }

    /** The message that did not fit. */
    public Envelope envelope() {
        return envelope;
    }
}
