package mpi;

/**
 * An MPI call failed: the exception the {@link MPI#ERRORS_RETURN} error handler throws, with MPI's
 * error class ({@link MPI#ERR_TRUNCATE}, {@link MPI#ERR_COUNT}, ...). Under the default
 * {@link MPI#ERRORS_ARE_FATAL} the job ends instead. As in Open MPI, the error code is the class.
 */
public final class MPIException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errorClass;

    /** An error of class {@link MPI#ERR_OTHER} with {@code message}. */
    public MPIException(String message) {
        this(MPI.ERR_OTHER, message, null);
    }

    /** An error of class {@link MPI#ERR_OTHER} caused by {@code cause}. */
    public MPIException(Throwable cause) {
        this(MPI.ERR_OTHER, String.valueOf(cause.getMessage()), cause);
    }

    MPIException(int errorClass, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    /** The error code; jccl's codes are the classes themselves. */
    public int getErrorCode() {
        return errorClass;
    }

    /** MPI's error class, one of the {@code MPI.ERR_*} constants. */
    public int getErrorClass() {
        return errorClass;
    }
}
