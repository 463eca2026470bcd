package mpi;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * The bytes behind an MPI buffer argument, as jccl's {@link ByteBuffer}s. A direct buffer is used
 * where it lies, from its element 0 as Open MPI does (a program offsets with {@link MPI#slice}); a
 * typed view such as {@code MPI.newIntBuffer}'s is reached through its address. A Java array is
 * copied into a buffer and, for a result, back out: the arrays' cost, which Open MPI pays too. A
 * derived type's elements are packed into a buffer of their own and unpacked from it ({@link TypeMap}).
 */
final class Data {
    private Data() {
    }

    /** {@code count} elements of {@code type} from {@code buf}, to be read. */
    static ByteBuffer in(Object buf, int count, Datatype type) throws MPIException {
        ByteBuffer b = at(buf, count, type);
        if (b != null) {
            return b;
        }
        if (type.derived()) {
            ByteBuffer packed = ByteBuffer.allocate(count * type.baseSize()).order(ByteOrder.nativeOrder());
            type.map().pack(bytesOf(buf, count, type), count, packed);
            return packed;
        }
        ByteBuffer copy = ByteBuffer.allocate(count * type.baseSize()).order(ByteOrder.nativeOrder());
        copyIn(buf, count, type, copy);
        return copy;
    }

    /** Room for {@code count} elements of {@code type} in {@code buf}, to be written; {@link #out} finishes. */
    static ByteBuffer room(Object buf, int count, Datatype type) throws MPIException {
        ByteBuffer b = at(buf, count, type);
        return b != null ? b : ByteBuffer.allocate(count * type.baseSize()).order(ByteOrder.nativeOrder());
    }

    /**
     * Copies what {@code bytes} received into {@code buf} when it is an array, or unpacks it for a
     * derived type; nothing to do for a predefined type in a direct buffer.
     */
    static void out(ByteBuffer bytes, Object buf, int count, Datatype type) {
        if (type.derived()) {
            ByteBuffer whole = bytesOf(buf, count, type);
            type.map().unpack(bytes.duplicate().order(ByteOrder.nativeOrder()), count, whole);
            if (!isDirect(buf) && !(buf instanceof ByteBuffer)) {
                copyOut(whole, buf, elementsSpanned(count, type), Datatype.of(type.basic()));
            }
            return;
        }
        if (buf.getClass().isArray() || !((Buffer) buf).isDirect()) {
            copyOut(bytes.duplicate().order(ByteOrder.nativeOrder()), buf, count, type);
        }
    }

    /** A new array of {@code type}'s Java element holding the {@code count} elements at the start of {@code bytes}. */
    static Object array(ByteBuffer bytes, int count, Datatype type) {
        Object a = java.lang.reflect.Array.newInstance(type.basic().arrayClass.getComponentType(), units(count, type));
        copyOut(bytes.duplicate().order(ByteOrder.nativeOrder()), a, count, type);
        return a;
    }

    /** Writes the {@code count} elements of {@code array} at the start of {@code bytes}. */
    static void fill(ByteBuffer bytes, Object array, int count, Datatype type) {
        copyIn(array, count, type, bytes);
    }

    private static boolean isDirect(Object buf) {
        return buf instanceof Buffer b && b.isDirect();
    }

    /** How many Java elements {@code count} elements of a derived type reach over. */
    private static int elementsSpanned(int count, Datatype type) {
        return (int) ((type.map().span(count) + type.basic().bytes - 1) / type.basic().bytes);
    }

    /**
     * The bytes of {@code buf} that {@code count} elements of a derived type reach over: a direct
     * buffer's own memory, else a copy of the array's or heap buffer's elements (which {@link #out}
     * copies back).
     */
    private static ByteBuffer bytesOf(Object buf, int count, Datatype type) {
        int elements = elementsSpanned(count, type);
        int bytes = elements * type.basic().bytes;
        if (buf instanceof ByteBuffer bb) {
            return bb.duplicate().clear().order(ByteOrder.nativeOrder());
        }
        if (isDirect(buf)) {
            return bytes == 0 ? ByteBuffer.allocate(0)
                    : Native.getDirectBufferPointer((Buffer) buf).getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
        copyIn(buf, elements, Datatype.of(type.basic()), copy);
        return copy;
    }

    /**
     * The buffer's own memory when it is direct and the type predefined, else null; refuses what
     * does not hold {@code type}, or not enough of it.
     */
    private static ByteBuffer at(Object buf, int count, Datatype type) throws MPIException {
        if (buf == null) {
            throw new MPIException(MPI.ERR_BUFFER, "the buffer is null", null);
        }
        if (count < 0) {
            throw new MPIException(MPI.ERR_COUNT, "count " + count + " is negative", null);
        }
        if (type == null) {
            throw new MPIException(MPI.ERR_TYPE, "the datatype is null", null);
        }
        type.usable();
        if (type.derived()) {
            long span = type.map().span(count);
            long holds = capacityBytes(buf, type);
            if (span > holds) {
                throw new MPIException(MPI.ERR_COUNT, count + " elements of " + type + " reach over " + span
                        + " bytes, more than the " + holds + " bytes of the buffer", null);
            }
            return null;
        }
        int bytes = count * type.baseSize();
        if (buf.getClass().isArray()) {
            if (buf.getClass() != type.basic().arrayClass) {
                throw new MPIException(MPI.ERR_TYPE, "a " + buf.getClass().getSimpleName() + " does not hold " + type, null);
            }
            int length = java.lang.reflect.Array.getLength(buf);
            if (units(count, type) > length) {
                throw new MPIException(MPI.ERR_COUNT, "count " + count + " is more than the array's " + length + " elements"
                        + (type.pairValue() != null ? " hold (" + type.baseSize() + " bytes each)" : ""), null);
            }
            return null;
        }
        if (!(buf instanceof Buffer b)) {
            throw new MPIException(MPI.ERR_BUFFER, "a " + buf.getClass().getName() + " is not an array or a buffer", null);
        }
        int elementBytes = elementBytes(b);
        if (elementBytes != 1 && elementBytes != type.basic().bytes) {
            throw new MPIException(MPI.ERR_TYPE, "a " + b.getClass().getSimpleName() + " does not hold " + type, null);
        }
        if ((long) b.capacity() * elementBytes < bytes) {
            throw new MPIException(MPI.ERR_COUNT, count + " elements of " + type + " are more than the buffer's "
                    + (long) b.capacity() * elementBytes + " bytes", null);
        }
        if (!b.isDirect()) {
            return null;
        }
        if (b instanceof ByteBuffer bb) {
            return bb.slice(0, bytes).order(ByteOrder.nativeOrder());
        }
        if (bytes == 0) {
            return ByteBuffer.allocateDirect(0);
        }
        Pointer p = Native.getDirectBufferPointer(b);
        return p.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    /** The bytes {@code buf} holds, once it is known to hold {@code type}'s Java element. */
    private static long capacityBytes(Object buf, Datatype type) throws MPIException {
        if (buf.getClass().isArray()) {
            if (buf.getClass() != type.basic().arrayClass) {
                throw new MPIException(MPI.ERR_TYPE, "a " + buf.getClass().getSimpleName() + " does not hold " + type, null);
            }
            return (long) java.lang.reflect.Array.getLength(buf) * type.basic().bytes;
        }
        if (!(buf instanceof Buffer b)) {
            throw new MPIException(MPI.ERR_BUFFER, "a " + buf.getClass().getName() + " is not an array or a buffer", null);
        }
        int elementBytes = elementBytes(b);
        if (elementBytes != 1 && elementBytes != type.basic().bytes) {
            throw new MPIException(MPI.ERR_TYPE, "a " + b.getClass().getSimpleName() + " does not hold " + type, null);
        }
        return (long) b.capacity() * elementBytes;
    }

    private static int elementBytes(Buffer b) {
        if (b instanceof ByteBuffer) {
            return 1;
        } else if (b instanceof CharBuffer || b instanceof ShortBuffer) {
            return 2;
        } else if (b instanceof IntBuffer || b instanceof FloatBuffer) {
            return 4;
        }
        return 8;
    }

    /** How many Java elements hold {@code count} elements of {@code type}: more than one each for a pair type in bytes. */
    private static int units(int count, Datatype type) {
        return count * (type.baseSize() / type.basic().bytes);
    }

    private static void copyIn(Object buf, int elements, Datatype type, ByteBuffer to) {
        int count = units(elements, type);
        ByteBuffer dst = to.duplicate().order(ByteOrder.nativeOrder());
        if (buf instanceof ByteBuffer b) {
            dst.put(b.slice(0, count * type.basic().bytes));
            return;
        }
        if (buf instanceof Buffer b) {
            Buffer from = b.duplicate().position(0).limit(count);
            switch (type.basic()) {
                case CHAR -> dst.asCharBuffer().put((CharBuffer) from);
                case SHORT -> dst.asShortBuffer().put((ShortBuffer) from);
                case INT -> dst.asIntBuffer().put((IntBuffer) from);
                case LONG -> dst.asLongBuffer().put((LongBuffer) from);
                case FLOAT -> dst.asFloatBuffer().put((FloatBuffer) from);
                case DOUBLE -> dst.asDoubleBuffer().put((DoubleBuffer) from);
                default -> throw new IllegalStateException();
            }
            return;
        }
        switch (type.basic()) {
            case BYTE -> dst.put((byte[]) buf, 0, count);
            case BOOLEAN -> {
                boolean[] a = (boolean[]) buf;
                for (int i = 0; i < count; i++) {
                    dst.put(i, (byte) (a[i] ? 1 : 0));
                }
            }
            case CHAR -> dst.asCharBuffer().put((char[]) buf, 0, count);
            case SHORT -> dst.asShortBuffer().put((short[]) buf, 0, count);
            case INT -> dst.asIntBuffer().put((int[]) buf, 0, count);
            case LONG -> dst.asLongBuffer().put((long[]) buf, 0, count);
            case FLOAT -> dst.asFloatBuffer().put((float[]) buf, 0, count);
            case DOUBLE -> dst.asDoubleBuffer().put((double[]) buf, 0, count);
            default -> throw new IllegalStateException();
        }
    }

    private static void copyOut(ByteBuffer src, Object buf, int elements, Datatype type) {
        int count = units(elements, type);
        if (buf instanceof ByteBuffer b) {
            b.put(0, src, 0, count * type.basic().bytes);
            return;
        }
        if (buf instanceof Buffer b) {
            Buffer to = b.duplicate().position(0).limit(count);
            switch (type.basic()) {
                case CHAR -> ((CharBuffer) to).put(src.asCharBuffer().limit(count));
                case SHORT -> ((ShortBuffer) to).put(src.asShortBuffer().limit(count));
                case INT -> ((IntBuffer) to).put(src.asIntBuffer().limit(count));
                case LONG -> ((LongBuffer) to).put(src.asLongBuffer().limit(count));
                case FLOAT -> ((FloatBuffer) to).put(src.asFloatBuffer().limit(count));
                case DOUBLE -> ((DoubleBuffer) to).put(src.asDoubleBuffer().limit(count));
                default -> throw new IllegalStateException();
            }
            return;
        }
        switch (type.basic()) {
            case BYTE -> src.get(0, (byte[]) buf, 0, count);
            case BOOLEAN -> {
                boolean[] a = (boolean[]) buf;
                for (int i = 0; i < count; i++) {
                    a[i] = src.get(i) != 0;
                }
            }
            case CHAR -> src.asCharBuffer().get((char[]) buf, 0, count);
            case SHORT -> src.asShortBuffer().get((short[]) buf, 0, count);
            case INT -> src.asIntBuffer().get((int[]) buf, 0, count);
            case LONG -> src.asLongBuffer().get((long[]) buf, 0, count);
            case FLOAT -> src.asFloatBuffer().get((float[]) buf, 0, count);
            case DOUBLE -> src.asDoubleBuffer().get((double[]) buf, 0, count);
            default -> throw new IllegalStateException();
        }
    }
}
