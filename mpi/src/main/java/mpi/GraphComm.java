package mpi;

/**
 * A communicator with a graph topology. jccl-mpi makes none: {@link Intracomm#createGraph} fails
 * with {@link MPI#ERR_UNSUPPORTED_OPERATION}. The type is here so that programs that name it compile.
 */
public final class GraphComm extends Intracomm {
    private GraphComm() {
    }
}
