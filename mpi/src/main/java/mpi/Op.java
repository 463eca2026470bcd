package mpi;

import org.jccl.ReduceOp;

/**
 * A reduction operation. The predefined ones jccl runs itself where it can ({@code SUM},
 * {@code PROD}, {@code MAX}, {@code MIN} on numbers; {@code BAND}, {@code BOR}, {@code BXOR} on
 * integers); the logical ones and the types jccl does not reduce ({@code SHORT}, {@code CHAR},
 * {@code BOOLEAN}) are reduced by this module in rank order, as are operations the program writes
 * ({@link #Op(UserFunction, boolean)}), commutative or not, and {@code MINLOC} and {@code MAXLOC}
 * on the pair types.
 */
public final class Op {
    enum Code { MAX, MIN, SUM, PROD, LAND, BAND, LOR, BOR, LXOR, BXOR, MINLOC, MAXLOC, USER }

    private final Code code;
    private final ReduceOp reduceOp;
    private final UserFunction function;
    private final boolean commute;
    private boolean freed;

    Op(Code code, ReduceOp reduceOp) {
        this.code = code;
        this.reduceOp = reduceOp;
        this.function = null;
        this.commute = true;
    }

    /** An operation the program writes: {@code function} reduces, in rank order. */
    public Op(UserFunction function, boolean commute) {
        this.code = Code.USER;
        this.reduceOp = null;
        this.function = function;
        this.commute = commute;
    }

    /** The program's function, or null for a predefined operation. */
    UserFunction function() {
        return function;
    }

    Code code() {
        return code;
    }

    /** jccl's operation, or null when this module reduces locally. */
    ReduceOp reduceOp() {
        return reduceOp;
    }

    /** Whether the operation is commutative: every predefined one is. */
    public boolean isCommute() throws MPIException {
        return commute;
    }

    /** Whether the operation is commutative (Open MPI's newer name). */
    public boolean isCommutative() throws MPIException {
        return commute;
    }

    /** Frees an operation the program made; predefined operations cannot be freed. */
    public void free() throws MPIException {
        if (function == null) {
            throw new MPIException(MPI.ERR_OP, "the predefined operation MPI_" + code + " cannot be freed", null);
        }
        freed = true;
    }

    /** Whether the operation was freed. */
    public boolean isNull() {
        return freed;
    }

    @Override
    public String toString() {
        return function == null ? "MPI_" + code : "user operation " + function.getClass().getName();
    }
}
