package mpi;

/**
 * What a completed receive found: the message's source, tag and size. Where Open MPI's status is a
 * copy of the C struct, this one holds the three values and is immutable.
 */
public final class Status {
    /** What a null or inactive request, or a send, reports: any source, any tag, nothing received. */
    static final Status EMPTY = new Status(MPI.ANY_SOURCE, MPI.ANY_TAG, 0, false);
    /** A cancelled receive's status. */
    static final Status CANCELLED = new Status(MPI.ANY_SOURCE, MPI.ANY_TAG, 0, true);

    private final int source;
    private final int tag;
    private final int bytes;
    private final boolean cancelled;
    private final int index;

    Status(int source, int tag, int bytes, boolean cancelled) {
        this(source, tag, bytes, cancelled, MPI.UNDEFINED);
    }

    private Status(int source, int tag, int bytes, boolean cancelled, int index) {
        this.source = source;
        this.tag = tag;
        this.bytes = bytes;
        this.cancelled = cancelled;
        this.index = index;
    }

    /** This status, naming the request at {@code i} of an array ({@link Request#waitAnyStatus}). */
    Status at(int i) {
        return new Status(source, tag, bytes, cancelled, i);
    }

    /** The index in the array of requests of the one this status is of, or {@link MPI#UNDEFINED}. */
    public int getIndex() {
        return index;
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
        int size = type.baseSize();
        return size == 0 ? 0 : bytes % size == 0 ? bytes / size : MPI.UNDEFINED;
    }

    /** The number of basic elements received: as {@link #getCount}, twice that for a pair or complex type. */
    public int getElements(Datatype type) throws MPIException {
        int n = getCount(type);
        // a pair holds a value and an index, a complex number two parts
        return n == MPI.UNDEFINED || type.pairValue() == null && !type.complex() ? n : 2 * n;
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
