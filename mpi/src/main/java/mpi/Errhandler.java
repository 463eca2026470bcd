package mpi;

/**
 * What a communicator does when a call on it fails: {@link MPI#ERRORS_ARE_FATAL} (the default)
 * prints the error and ends the job on every rank with a non-zero exit; {@link MPI#ERRORS_RETURN}
 * throws {@link MPIException} to the caller. User-defined handlers are not supported.
 */
public final class Errhandler {
    private final boolean fatal;

    Errhandler(boolean fatal) {
        this.fatal = fatal;
    }

    boolean isFatal() {
        return fatal;
    }

    @Override
    public String toString() {
        return fatal ? "ERRORS_ARE_FATAL" : "ERRORS_RETURN";
    }
}
