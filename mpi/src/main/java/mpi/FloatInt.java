package mpi;

/** The {@link MPI#FLOAT_INT} pair (float value, int index, 8 bytes) as a {@link Struct}: {@code MPI.floatInt.getData(buffer, i)}. */
public final class FloatInt extends Struct {
    FloatInt() {
        super(MPI.FLOAT_INT, 8);
    }

    @Override
    protected Data newData() {
        return new Data();
    }

    /** One pair where it lies. */
    public final class Data extends Struct.Data {
        /** The value. */
        public float getValue() {
            return getFloat(0);
        }

        /** The index (for MINLOC and MAXLOC, typically the rank). */
        public int getIndex() {
            return getInt(4);
        }

        /** Sets the value. */
        public void putValue(float v) {
            putFloat(0, v);
        }

        /** Sets the index. */
        public void putIndex(int v) {
            putInt(4, v);
        }
    }
}
