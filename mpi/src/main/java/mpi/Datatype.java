package mpi;

import org.jccl.DataType;

/**
 * An MPI datatype. This first version has the predefined basic types, each matched to the Java
 * array or buffer that holds it ({@code int[]} or {@code IntBuffer} for {@link MPI#INT}, and so
 * on); derived types ({@code createContiguous}, {@code createVector}, ...) come later and throw
 * {@link MPI#ERR_UNSUPPORTED_OPERATION} meanwhile. Elements travel in the platform's byte order,
 * as the direct buffers of {@code MPI.newIntBuffer} and friends hold them.
 */
public final class Datatype {
    /** The Java element a basic type is made of. */
    enum Basic {
        BYTE(1, byte[].class), CHAR(2, char[].class), SHORT(2, short[].class), BOOLEAN(1, boolean[].class),
        INT(4, int[].class), LONG(8, long[].class), FLOAT(4, float[].class), DOUBLE(8, double[].class);

        final int bytes;
        final Class<?> arrayClass;

        Basic(int bytes, Class<?> arrayClass) {
            this.bytes = bytes;
            this.arrayClass = arrayClass;
        }
    }

    private final String name;
    private final Basic basic;
    /** jccl's type for reductions it runs itself, or null where the mpi module reduces locally. */
    private final DataType reducible;

    Datatype(String name, Basic basic, DataType reducible) {
        this.name = name;
        this.basic = basic;
        this.reducible = reducible;
    }

    Basic basic() {
        return basic;
    }

    DataType reducible() {
        return reducible;
    }

    int baseSize() {
        return basic.bytes;
    }

    /** Bytes of data in one element. */
    public int getSize() throws MPIException {
        return basic.bytes;
    }

    /** Bytes from one element's start to the next's: for a basic type, its size. */
    public int getExtent() throws MPIException {
        return basic.bytes;
    }

    /** The lower bound: 0 for a basic type. */
    public int getLb() throws MPIException {
        return 0;
    }

    /** Nothing to do for a predefined type. */
    public void commit() throws MPIException {
        // predefined types are always committed
    }

    /** Predefined types cannot be freed; as in Open MPI, freeing one is an error. */
    public void free() throws MPIException {
        throw new MPIException(MPI.ERR_TYPE, "the predefined datatype " + name + " cannot be freed", null);
    }

    /** The type's MPI name, e.g. {@code MPI_INT}. */
    public String getName() throws MPIException {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
