package mpi;

/** The {@link MPI#LONG_INT} pair (long value, int index, 16 bytes) as a {@link Struct}: {@code MPI.longInt.getData(buffer, i)}. */
public final class LongInt extends Struct {
    LongInt() {
        super(MPI.LONG_INT, 16);
    }

    @Override
    protected Data newData() {
        return new Data();
    }

    /** One pair where it lies. */
    public final class Data extends Struct.Data {
        /** The value. */
        public long getValue() {
            return getLong(0);
        }

        /** The index (for MINLOC and MAXLOC, typically the rank). */
        public int getIndex() {
            return getInt(8);
        }

        /** Sets the value. */
        public void putValue(long v) {
            putLong(0, v);
        }

        /** Sets the index. */
        public void putIndex(int v) {
            putInt(8, v);
        }
    }
}
