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
 * copied into a buffer and, for a result, back out: the arrays' cost, which Open MPI pays too.
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
        ByteBuffer copy = ByteBuffer.allocate(count * type.baseSize()).order(ByteOrder.nativeOrder());
        copyIn(buf, count, type, copy);
        return copy;
    }

    /** Room for {@code count} elements of {@code type} in {@code buf}, to be written; {@link #out} finishes. */
    static ByteBuffer room(Object buf, int count, Datatype type) throws MPIException {
        ByteBuffer b = at(buf, count, type);
        return b != null ? b : ByteBuffer.allocate(count * type.baseSize()).order(ByteOrder.nativeOrder());
    }

    /** Copies what {@code bytes} received into {@code buf} when it is an array; nothing to do for a direct buffer. */
    static void out(ByteBuffer bytes, Object buf, int count, Datatype type) {
        if (buf.getClass().isArray() || !((Buffer) buf).isDirect()) {
            copyOut(bytes.duplicate().order(ByteOrder.nativeOrder()), buf, count, type);
        }
    }

    /** The buffer's own memory when it is direct, else null; refuses what does not hold {@code type}. */
    private static ByteBuffer at(Object buf, int count, Datatype type) throws MPIException {
        if (buf == null) {
            throw new MPIException(MPI.ERR_BUFFER, "the buffer is null", null);
        }
        if (count < 0) {
            throw new MPIException(MPI.ERR_COUNT, "count " + count + " is negative", null);
        }
        int bytes = count * type.baseSize();
        if (buf.getClass().isArray()) {
            if (buf.getClass() != type.basic().arrayClass) {
                throw new MPIException(MPI.ERR_TYPE, "a " + buf.getClass().getSimpleName() + " does not hold " + type, null);
            }
            int length = java.lang.reflect.Array.getLength(buf);
            if (count > length) {
                throw new MPIException(MPI.ERR_COUNT, "count " + count + " is more than the array's " + length + " elements", null);
            }
            return null;
        }
        if (!(buf instanceof Buffer b)) {
            throw new MPIException(MPI.ERR_BUFFER, "a " + buf.getClass().getName() + " is not an array or a buffer", null);
        }
        int elementBytes = elementBytes(b);
        if (elementBytes != 1 && elementBytes != type.baseSize()) {
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

    private static void copyIn(Object buf, int count, Datatype type, ByteBuffer to) {
        ByteBuffer dst = to.duplicate().order(ByteOrder.nativeOrder());
        if (buf instanceof ByteBuffer b) {
            dst.put(b.slice(0, count * type.baseSize()));
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

    private static void copyOut(ByteBuffer src, Object buf, int count, Datatype type) {
        if (buf instanceof ByteBuffer b) {
            b.put(0, src, 0, count * type.baseSize());
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
