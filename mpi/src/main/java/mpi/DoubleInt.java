package mpi;

/** The {@link MPI#DOUBLE_INT} pair (double value, int index, 16 bytes) as a {@link Struct}: {@code MPI.doubleInt.getData(buffer, i)}. */
public final class DoubleInt extends Struct {
    DoubleInt() {
        super(MPI.DOUBLE_INT, 16);
    }

    @Override
    protected Data newData() {
        return new Data();
    }

    /** One pair where it lies. */
    public final class Data extends Struct.Data {
        /** The value. */
        public double getValue() {
            return getDouble(0);
        }

        /** The index (for MINLOC and MAXLOC, typically the rank). */
        public int getIndex() {
            return getInt(8);
        }

        /** Sets the value. */
        public void putValue(double v) {
            putDouble(0, v);
        }

        /** Sets the index. */
        public void putIndex(int v) {
            putInt(8, v);
        }
    }
}
