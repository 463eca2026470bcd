package mpi;

/**
 * A file of MPI-IO. Out of jccl-mpi's scope for now: opening one fails with
 * {@link MPI#ERR_UNSUPPORTED_OPERATION} (through the communicator's error handler).
 */
public final class File {
    /** Would open {@code filename} on every rank of {@code comm}; fails. */
    public File(Comm comm, String filename, int amode) throws MPIException {
        throw comm.unsupported("MPI-IO (MPI.File)");
    }

    /** Would open {@code filename} with hints; fails. */
    public File(Comm comm, String filename, int amode, Info info) throws MPIException {
        throw comm.unsupported("MPI-IO (MPI.File)");
    }
}
