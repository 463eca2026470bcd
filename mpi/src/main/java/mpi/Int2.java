package mpi;

/** The {@link MPI#INT2} pair (int value, int index, 8 bytes) as a {@link Struct}: {@code MPI.int2.getData(buffer, i)}. */
public final class Int2 extends Struct {
    Int2() {
        super(MPI.INT2, 8);
    }

    @Override
    protected Data newData() {
        return new Data();
    }

    /** One pair where it lies. */
    public final class Data extends Struct.Data {
        /** The value. */
        public int getValue() {
            return getInt(0);
        }

        /** The index (for MINLOC and MAXLOC, typically the rank). */
        public int getIndex() {
            return getInt(4);
        }

        /** Sets the value. */
        public void putValue(int v) {
            putInt(0, v);
        }

        /** Sets the index. */
        public void putIndex(int v) {
            putInt(4, v);
        }
    }
}
