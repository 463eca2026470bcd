package mpi;

/**
 * An inter-communicator. jccl-mpi makes none: {@link Comm#createIntercomm}, {@link Intracomm#spawn},
 * {@link Intracomm#accept} and {@link Intracomm#connect} fail with
 * {@link MPI#ERR_UNSUPPORTED_OPERATION}. The type is here so that programs that name it compile.
 */
public final class Intercomm extends Comm {
    private Intercomm() {
    }
}
