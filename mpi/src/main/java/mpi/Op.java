package mpi;

import org.jccl.ReduceOp;

/**
 * A reduction operation. The predefined ones jccl runs itself where it can ({@code SUM},
 * {@code PROD}, {@code MAX}, {@code MIN} on numbers; {@code BAND}, {@code BOR}, {@code BXOR} on
 * integers); the logical ones and the types jccl does not reduce ({@code SHORT}, {@code CHAR},
 * {@code BOOLEAN}) are reduced by this module in rank order. {@code MINLOC}, {@code MAXLOC} and user
 * functions come with the pair types.
 */
public final class Op {
    enum Code { MAX, MIN, SUM, PROD, LAND, BAND, LOR, BOR, LXOR, BXOR }

    private final Code code;
    private final ReduceOp reduceOp;

    Op(Code code, ReduceOp reduceOp) {
        this.code = code;
        this.reduceOp = reduceOp;
    }

    Code code() {
        return code;
    }

    /** jccl's operation, or null when this module reduces locally. */
    ReduceOp reduceOp() {
        return reduceOp;
    }

    /** Every predefined operation is commutative. */
    public boolean isCommute() throws MPIException {
        return true;
    }

    /** Predefined operations cannot be freed. */
    public void free() throws MPIException {
        throw new MPIException(MPI.ERR_OP, "the predefined operation MPI_" + code + " cannot be freed", null);
    }

    @Override
    public String toString() {
        return "MPI_" + code;
    }
}
