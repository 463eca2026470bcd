package mpi;

/**
 * A communicator with a Cartesian topology. jccl-mpi makes none: {@link Intracomm#createCart} fails
 * with {@link MPI#ERR_UNSUPPORTED_OPERATION}. The type is here so that programs that name it compile.
 */
public final class CartComm extends Intracomm {
    private CartComm() {
    }
}
