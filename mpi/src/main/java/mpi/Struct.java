package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java view of a C struct in a byte buffer, as in Open MPI: a subclass adds its fields in its
 * constructor ({@link #addInt}, {@link #addDouble}, ...; each returns the field's byte offset),
 * defines a {@link Data} class that reads and writes them, and {@link #getType} is the matching
 * struct datatype, committed. {@link MPI#int2} and the other pair helpers are structs too, whose
 * type is the predefined pair type.
 */
public abstract class Struct {
    private record Field(Datatype type, int offset, int length) {
    }

    private final List<Field> fields = new ArrayList<>();
    private int extent;
    private Datatype datatype;

    /** A struct whose subclass adds its fields. */
    protected Struct() {
    }

    /** A struct whose type is predefined (a pair type), {@code extent} bytes long. */
    Struct(Datatype predefined, int extent) {
        this.datatype = predefined;
        this.extent = extent;
    }

    /** Makes the struct's datatype from its fields, once. */
    private void commit() throws MPIException {
        if (datatype != null) {
            return;
        }
        int n = fields.size();
        int[] lengths = new int[n];
        int[] offsets = new int[n];
        Datatype[] types = new Datatype[n];
        for (int i = 0; i < n; i++) {
            Field f = fields.get(i);
            lengths[i] = f.length;
            offsets[i] = f.offset;
            types[i] = f.type;
        }
        Datatype t = Datatype.createResized(Datatype.createStruct(lengths, offsets, types), 0, extent);
        t.commit();
        datatype = t;
    }

    /** Bytes from one struct's start to the next's. */
    public final int getExtent() throws MPIException {
        commit();
        return extent;
    }

    /** The struct's datatype, committed. */
    public final Datatype getType() throws MPIException {
        commit();
        return datatype;
    }

    /** A new view of one struct; {@link #getData} places it. */
    protected abstract Data newData();

    /** The first struct in {@code buffer}. */
    public final <T extends Data> T getData(ByteBuffer buffer) throws MPIException {
        return getData(buffer, 0);
    }

    /** Struct number {@code index} in {@code buffer}. */
    @SuppressWarnings("unchecked")
    public final <T extends Data> T getData(ByteBuffer buffer, int index) throws MPIException {
        commit();
        Data d = newData();
        d.buffer = buffer.duplicate().clear().order(ByteOrder.nativeOrder());
        d.offset = index * extent;
        return (T) d;
    }

    /** The first struct in {@code array}. */
    public final <T extends Data> T getData(byte[] array) throws MPIException {
        return getData(ByteBuffer.wrap(array), 0);
    }

    /** Struct number {@code index} in {@code array}. */
    public final <T extends Data> T getData(byte[] array, int index) throws MPIException {
        return getData(ByteBuffer.wrap(array), index);
    }

    /** Moves the next field to {@code offset} bytes (padding), which must not be before the fields so far. */
    public final Struct setOffset(int offset) {
        if (datatype != null) {
            throw new IllegalStateException("the struct's datatype is made already");
        }
        if (offset < extent) {
            throw new IllegalArgumentException("offset " + offset + " is before the end of the fields so far (" + extent
                    + ")");
        }
        extent = offset;
        return this;
    }

    private int add(Datatype type, int length) {
        if (datatype != null) {
            throw new IllegalStateException("the struct's datatype is made already");
        }
        int offset = extent;
        extent += type.baseSize() * length;
        fields.add(new Field(type, offset, length));
        return offset;
    }

    /** Adds a byte field; returns its offset. */
    public final int addByte() {
        return addByte(1);
    }

    /** Adds {@code length} bytes; returns their offset. */
    public final int addByte(int length) {
        return add(MPI.BYTE, length);
    }

    /** Adds a char field; returns its offset. */
    public final int addChar() {
        return addChar(1);
    }

    /** Adds {@code length} chars; returns their offset. */
    public final int addChar(int length) {
        return add(MPI.CHAR, length);
    }

    /** Adds a short field; returns its offset. */
    public final int addShort() {
        return addShort(1);
    }

    /** Adds {@code length} shorts; returns their offset. */
    public final int addShort(int length) {
        return add(MPI.SHORT, length);
    }

    /** Adds an int field; returns its offset. */
    public final int addInt() {
        return addInt(1);
    }

    /** Adds {@code length} ints; returns their offset. */
    public final int addInt(int length) {
        return add(MPI.INT, length);
    }

    /** Adds a long field; returns its offset. */
    public final int addLong() {
        return addLong(1);
    }

    /** Adds {@code length} longs; returns their offset. */
    public final int addLong(int length) {
        return add(MPI.LONG, length);
    }

    /** Adds a float field; returns its offset. */
    public final int addFloat() {
        return addFloat(1);
    }

    /** Adds {@code length} floats; returns their offset. */
    public final int addFloat(int length) {
        return add(MPI.FLOAT, length);
    }

    /** Adds a double field; returns its offset. */
    public final int addDouble() {
        return addDouble(1);
    }

    /** Adds {@code length} doubles; returns their offset. */
    public final int addDouble(int length) {
        return add(MPI.DOUBLE, length);
    }

    /** One struct where it lies; a subclass reads and writes its fields through the typed accessors. */
    public abstract class Data {
        private ByteBuffer buffer;
        private int offset;

        /** The buffer the struct lies in. */
        public final ByteBuffer getBuffer() {
            return buffer;
        }

        /** The byte at {@code field} bytes into the struct. */
        protected final byte getByte(int field) {
            return buffer.get(offset + field);
        }

        /** Sets the byte at {@code field}. */
        protected final void putByte(int field, byte v) {
            buffer.put(offset + field, v);
        }

        /** The char at {@code field}. */
        protected final char getChar(int field) {
            return buffer.getChar(offset + field);
        }

        /** Sets the char at {@code field}. */
        protected final void putChar(int field, char v) {
            buffer.putChar(offset + field, v);
        }

        /** The short at {@code field}. */
        protected final short getShort(int field) {
            return buffer.getShort(offset + field);
        }

        /** Sets the short at {@code field}. */
        protected final void putShort(int field, short v) {
            buffer.putShort(offset + field, v);
        }

        /** The int at {@code field}. */
        protected final int getInt(int field) {
            return buffer.getInt(offset + field);
        }

        /** Sets the int at {@code field}. */
        protected final void putInt(int field, int v) {
            buffer.putInt(offset + field, v);
        }

        /** The long at {@code field}. */
        protected final long getLong(int field) {
            return buffer.getLong(offset + field);
        }

        /** Sets the long at {@code field}. */
        protected final void putLong(int field, long v) {
            buffer.putLong(offset + field, v);
        }

        /** The float at {@code field}. */
        protected final float getFloat(int field) {
            return buffer.getFloat(offset + field);
        }

        /** Sets the float at {@code field}. */
        protected final void putFloat(int field, float v) {
            buffer.putFloat(offset + field, v);
        }

        /** The double at {@code field}. */
        protected final double getDouble(int field) {
            return buffer.getDouble(offset + field);
        }

        /** Sets the double at {@code field}. */
        protected final void putDouble(int field, double v) {
            buffer.putDouble(offset + field, v);
        }
    }
}
