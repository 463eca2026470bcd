package mpi;

import java.nio.ByteBuffer;

/**
 * A reduction written by the program, for {@link Op#Op(UserFunction, boolean)}: it sets
 * {@code inOut[i] = in[i] op inOut[i]} for {@code count} elements. Override one of the two calls.
 * jccl reduces in this JVM, from the blocks of every rank in rank order, and calls the
 * {@link ByteBuffer} form (elements in the platform's byte order); its default copies the elements
 * into arrays of the type's Java element, calls the array form and copies the result back. As in
 * Open MPI, the function must be associative, and need not be commutative.
 */
public abstract class UserFunction {
    /** Reduces Java arrays of the type's element ({@code int[]} for {@link MPI#INT}, ...). */
    public void call(Object inVec, Object inOutVec, int count, Datatype datatype) throws MPIException {
        throw new MPIException(MPI.ERR_OP, getClass().getName() + " overrides neither call(Object, Object, int, Datatype)"
                + " nor call(ByteBuffer, ByteBuffer, int, Datatype)", null);
    }

    /** Reduces buffers of {@code count} elements; by default through the array form. */
    public void call(ByteBuffer in, ByteBuffer inOut, int count, Datatype datatype) throws MPIException {
        Object a = Data.array(in, count, datatype);
        Object b = Data.array(inOut, count, datatype);
        call(a, b, count, datatype);
        Data.fill(inOut, b, count, datatype);
    }
}
