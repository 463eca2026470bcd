package mpi;

/**
 * What a completed receive found: the message's source, tag and size. Where Open MPI's status is a
 * copy of the C struct, this one holds the three values and is immutable.
 */
public final class Status {
    private final int source;
    private final int tag;
    private final int bytes;
    private final boolean cancelled;

    Status(int source, int tag, int bytes, boolean cancelled) {
        this.source = source;
        this.tag = tag;
        this.bytes = bytes;
        this.cancelled = cancelled;
    }

    /** The rank that sent the message. */
    public int getSource() {
        return source;
    }

    /** The message's tag. */
    public int getTag() {
        return tag;
    }

    /**
     * The number of {@code type} elements received, or {@link MPI#UNDEFINED} when the bytes are not
     * a whole number of them.
     */
    public int getCount(Datatype type) throws MPIException {
        int size = type.getSize();
        return size == 0 ? 0 : bytes % size == 0 ? bytes / size : MPI.UNDEFINED;
    }

    /** The number of basic elements received: for a predefined type, as {@link #getCount}. */
    public int getElements(Datatype type) throws MPIException {
        int size = type.baseSize();
        return size == 0 ? 0 : bytes % size == 0 ? bytes / size : MPI.UNDEFINED;
    }

    /** Whether the operation was cancelled. */
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "Status[source=" + source + ", tag=" + tag + ", bytes=" + bytes + (cancelled ? ", cancelled" : "") + "]";
    }
}
