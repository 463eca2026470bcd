package org.jccl;

/**
 * The one exception type of jccl. Its message names the rank, the operation and the cause,
 * in the form {@code "rank 3: allReduce: timed out after 60 s waiting for rank 1"}.
 */
public class JcclException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int rank;
    private final String operation;

    /** A failure of {@code operation} on {@code rank} (use -1 when the rank is not yet known). */
    public JcclException(int rank, String operation, String cause) {
        this(rank, operation, cause, null);
    }

    /** As {@link #JcclException(int, String, String)}, keeping the underlying throwable. */
    public JcclException(int rank, String operation, String cause, Throwable underlying) {
        super(format(rank, operation, cause), underlying);
        this.rank = rank;
        this.operation = operation;
    }

    /** The rank that reported the failure, or -1 when it was not yet known. */
    public int rank() {
        return rank;
    }

    /** The operation that failed, e.g. {@code allReduce} or {@code connect}. */
    public String operation() {
        return operation;
    }

    private static String format(int rank, String operation, String cause) {
        String who = rank >= 0 ? "rank " + rank : "rank ?";
        return who + ": " + operation + ": " + cause;
    }
}
