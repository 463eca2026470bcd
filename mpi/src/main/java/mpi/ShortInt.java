package mpi;

/** The {@link MPI#SHORT_INT} pair (short value, int index, 8 bytes) as a {@link Struct}: {@code MPI.shortInt.getData(buffer, i)}. */
public final class ShortInt extends Struct {
    ShortInt() {
        super(MPI.SHORT_INT, 8);
    }

    @Override
    protected Data newData() {
        return new Data();
    }

    /** One pair where it lies. */
    public final class Data extends Struct.Data {
        /** The value. */
        public short getValue() {
            return getShort(0);
        }

        /** The index (for MINLOC and MAXLOC, typically the rank). */
        public int getIndex() {
            return getInt(4);
        }

        /** Sets the value. */
        public void putValue(short v) {
            putShort(0, v);
        }

        /** Sets the index. */
        public void putIndex(int v) {
            putInt(4, v);
        }
    }
}
