package mpi;

import java.nio.Buffer;

/**
 * A one-sided window. Out of jccl-mpi's scope for now: making one fails with
 * {@link MPI#ERR_UNSUPPORTED_OPERATION} (through the communicator's error handler).
 */
public final class Win {
    /** Would expose {@code base} to the ranks of {@code comm}; fails. */
    public Win(Buffer base, int size, int dispUnit, Info info, Comm comm) throws MPIException {
        throw comm.unsupported("one-sided communication (MPI.Win)");
    }

    /** Would make a window of the given flavour; fails. */
    public Win(int size, int dispUnit, Info info, Comm comm, Buffer base, int flavor) throws MPIException {
        throw comm.unsupported("one-sided communication (MPI.Win)");
    }

    /** Would make a dynamic window; fails. */
    public Win(Info info, Comm comm) throws MPIException {
        throw comm.unsupported("one-sided communication (MPI.Win)");
    }
}
