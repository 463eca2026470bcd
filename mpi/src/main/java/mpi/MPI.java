package mpi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Map;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;

/**
 * The MPI environment of Open MPI's Java API, on jccl. {@link #Init} connects the job's ranks the
 * way {@code Jccl.init()} does: under Open MPI's {@code mpirun}, srun, a PMI launcher, torchrun-style
 * variables or {@code JCCL_*}; {@code JCCL_TRANSPORT=ucx} selects UCX. Constants keep Open MPI's
 * names and values (error classes, {@code ANY_SOURCE}, {@code PROC_NULL}, ...).
 *
 * <p>Differences from Open MPI, in this version: derived datatypes, the pair types with
 * {@code MINLOC}/{@code MAXLOC}, user operations, non-blocking calls, wildcard receives and
 * receives longer than the message are not there yet, and throw {@link #ERR_UNSUPPORTED_OPERATION}
 * where they have an entry point.
 */
public final class MPI {
    /** Thread support levels; jccl's communicators take calls from any thread, one call at a time. */
    public static final int THREAD_SINGLE = 0;
    /** See {@link #THREAD_SINGLE}. */
    public static final int THREAD_FUNNELED = 1;
    /** See {@link #THREAD_SINGLE}. */
    public static final int THREAD_SERIALIZED = 2;
    /** See {@link #THREAD_SINGLE}. */
    public static final int THREAD_MULTIPLE = 3;

    /** Any source, for a receive. */
    public static final int ANY_SOURCE = -1;
    /** Any tag, for a receive. */
    public static final int ANY_TAG = -1;
    /** The null process: a send to it or a receive from it completes at once and moves nothing. */
    public static final int PROC_NULL = -2;
    /** An undefined value, e.g. the colour of a rank that joins no communicator in {@code split}. */
    public static final int UNDEFINED = -32766;
    /** Result of {@link Comm#compare}: the same communicator. */
    public static final int IDENT = 0;
    /** Result of {@link Comm#compare}: the same ranks in the same order, another context. */
    public static final int CONGRUENT = 1;
    /** Result of {@link Comm#compare}: the same ranks in another order. */
    public static final int SIMILAR = 2;
    /** Result of {@link Comm#compare}: anything else. */
    public static final int UNEQUAL = 3;
    /** The largest tag a program may use: jccl's tags are ints from 0. */
    public static final int TAG_UB = Integer.MAX_VALUE;
    /** Bytes a buffered send needs beyond its data. */
    public static final int BSEND_OVERHEAD = 128;

    /** Error classes, with Open MPI's values. */
    public static final int SUCCESS = 0;
    /** See {@link #SUCCESS}. */
    public static final int ERR_BUFFER = 1, ERR_COUNT = 2, ERR_TYPE = 3, ERR_TAG = 4, ERR_COMM = 5, ERR_RANK = 6,
            ERR_REQUEST = 7, ERR_ROOT = 8, ERR_GROUP = 9, ERR_OP = 10, ERR_TOPOLOGY = 11, ERR_DIMS = 12, ERR_ARG = 13,
            ERR_UNKNOWN = 14, ERR_TRUNCATE = 15, ERR_OTHER = 16, ERR_INTERN = 17, ERR_IN_STATUS = 18, ERR_PENDING = 19,
            ERR_FILE = 30, ERR_INFO_KEY = 31, ERR_INFO_NOKEY = 32, ERR_INFO_VALUE = 33, ERR_INFO = 34,
            ERR_NO_MEM = 39, ERR_SIZE = 49, ERR_UNSUPPORTED_OPERATION = 52, ERR_WIN = 53, ERR_LASTCODE = 92;

    /** MPI-IO open modes, with Open MPI's values (MPI-IO itself is not supported: see {@link File}). */
    public static final int MODE_CREATE = 1, MODE_RDONLY = 2, MODE_WRONLY = 4, MODE_RDWR = 8, MODE_DELETE_ON_CLOSE = 16,
            MODE_UNIQUE_OPEN = 32, MODE_EXCL = 64, MODE_APPEND = 128, MODE_SEQUENTIAL = 256;
    /** One-sided assertions, with Open MPI's values (one-sided windows are not supported: see {@link Win}). */
    public static final int MODE_NOCHECK = 1, MODE_NOPRECEDE = 2, MODE_NOPUT = 4, MODE_NOSTORE = 8, MODE_NOSUCCEED = 16;
    /** No hints. */
    public static final Info INFO_NULL = new Info();

    /** Predefined datatypes: each Java primitive. */
    public static final Datatype BYTE = new Datatype("MPI_BYTE", Datatype.Basic.BYTE, DataType.INT8);
    /** See {@link #BYTE}. */
    public static final Datatype CHAR = new Datatype("MPI_CHAR", Datatype.Basic.CHAR, null);
    /** See {@link #BYTE}. */
    public static final Datatype SHORT = new Datatype("MPI_SHORT", Datatype.Basic.SHORT, null);
    /** See {@link #BYTE}. */
    public static final Datatype BOOLEAN = new Datatype("MPI_BOOLEAN", Datatype.Basic.BOOLEAN, null);
    /** See {@link #BYTE}. */
    public static final Datatype INT = new Datatype("MPI_INT", Datatype.Basic.INT, DataType.INT32);
    /** See {@link #BYTE}. */
    public static final Datatype LONG = new Datatype("MPI_LONG", Datatype.Basic.LONG, DataType.INT64);
    /** See {@link #BYTE}. */
    public static final Datatype FLOAT = new Datatype("MPI_FLOAT", Datatype.Basic.FLOAT, DataType.FLOAT32);
    /** See {@link #BYTE}. */
    public static final Datatype DOUBLE = new Datatype("MPI_DOUBLE", Datatype.Basic.DOUBLE, DataType.FLOAT64);

    /** Predefined operations. */
    public static final Op MAX = new Op(Op.Code.MAX, ReduceOp.MAX);
    /** See {@link #MAX}. */
    public static final Op MIN = new Op(Op.Code.MIN, ReduceOp.MIN);
    /** See {@link #MAX}. */
    public static final Op SUM = new Op(Op.Code.SUM, ReduceOp.SUM);
    /** See {@link #MAX}. */
    public static final Op PROD = new Op(Op.Code.PROD, ReduceOp.PROD);
    /** See {@link #MAX}. */
    public static final Op LAND = new Op(Op.Code.LAND, null);
    /** See {@link #MAX}. */
    public static final Op BAND = new Op(Op.Code.BAND, ReduceOp.BAND);
    /** See {@link #MAX}. */
    public static final Op LOR = new Op(Op.Code.LOR, null);
    /** See {@link #MAX}. */
    public static final Op BOR = new Op(Op.Code.BOR, ReduceOp.BOR);
    /** See {@link #MAX}. */
    public static final Op LXOR = new Op(Op.Code.LXOR, null);
    /** See {@link #MAX}. */
    public static final Op BXOR = new Op(Op.Code.BXOR, ReduceOp.BXOR);

    /** The group of no process. */
    public static final Group GROUP_EMPTY = new Group(new int[0], -1);
    /** The value and rank of the smallest value (the lowest rank among equals); on pair types. */
    public static final Op MINLOC = new Op(Op.Code.MINLOC, null);
    /** The value and rank of the largest value (the lowest rank among equals); on pair types. */
    public static final Op MAXLOC = new Op(Op.Code.MAXLOC, null);

    /** Complex numbers of two floats, real then imaginary, in float arrays and buffers; see {@link FloatComplex}. */
    public static final Datatype FLOAT_COMPLEX = Datatype.complex("MPI_C_FLOAT_COMPLEX", Datatype.Basic.FLOAT,
            DataType.FLOAT32);
    /** Complex numbers of two doubles, real then imaginary, in double arrays and buffers; see {@link DoubleComplex}. */
    public static final Datatype DOUBLE_COMPLEX = Datatype.complex("MPI_C_DOUBLE_COMPLEX", Datatype.Basic.DOUBLE,
            DataType.FLOAT64);

    /** Pairs of int value and int index, for {@link #MINLOC} and {@link #MAXLOC}; read them through {@link #int2}. */
    public static final Datatype INT2 = new Datatype("MPI_2INT", Datatype.Basic.INT);
    /** Pairs of short value and int index; read them through {@link #shortInt}. */
    public static final Datatype SHORT_INT = new Datatype("MPI_SHORT_INT", Datatype.Basic.SHORT);
    /** Pairs of long value and int index; read them through {@link #longInt}. */
    public static final Datatype LONG_INT = new Datatype("MPI_LONG_INT", Datatype.Basic.LONG);
    /** Pairs of float value and int index; read them through {@link #floatInt}. */
    public static final Datatype FLOAT_INT = new Datatype("MPI_FLOAT_INT", Datatype.Basic.FLOAT);
    /** Pairs of double value and int index; read them through {@link #doubleInt}. */
    public static final Datatype DOUBLE_INT = new Datatype("MPI_DOUBLE_INT", Datatype.Basic.DOUBLE);
    /** Reads and writes {@link #INT2} pairs in a byte buffer. */
    public static final Int2 int2 = new Int2();
    /** Reads and writes {@link #SHORT_INT} pairs in a byte buffer. */
    public static final ShortInt shortInt = new ShortInt();
    /** Reads and writes {@link #LONG_INT} pairs in a byte buffer. */
    public static final LongInt longInt = new LongInt();
    /** Reads and writes {@link #FLOAT_INT} pairs in a byte buffer. */
    public static final FloatInt floatInt = new FloatInt();
    /** Reads and writes {@link #DOUBLE_INT} pairs in a byte buffer. */
    public static final DoubleInt doubleInt = new DoubleInt();

    /** The null request. */
    public static final Request REQUEST_NULL = new Request(null, null);
    /** The default error handler: print the error and end the job. */
    public static final Errhandler ERRORS_ARE_FATAL = new Errhandler(true);
    /** The error handler that throws {@link MPIException}. */
    public static final Errhandler ERRORS_RETURN = new Errhandler(false);

    /** Every rank of the job; usable after {@link #Init}. */
    public static final Intracomm COMM_WORLD = new Intracomm();
    /** This rank alone; usable after {@link #Init}. */
    public static final Intracomm COMM_SELF = new Intracomm();

    private static final long START = System.nanoTime();
    private static volatile boolean initialized;
    private static volatile boolean finalized;
    private static volatile Thread mainThread;

    private MPI() {
    }

    /** Connects this rank with the others; returns {@code args} unchanged (no MPI arguments to strip). */
    public static String[] Init(String[] args) throws MPIException {
        start();
        return args;
    }

    /**
     * As {@link #Init}; provides at most {@link #THREAD_SERIALIZED}: any thread may call, one call at
     * a time on a communicator, which is what jccl's communicators promise.
     */
    public static int InitThread(String[] args, int required) throws MPIException {
        start();
        return Math.min(required, THREAD_SERIALIZED);
    }

    private static synchronized void start() throws MPIException {
        if (initialized) {
            throw new MPIException(ERR_OTHER, "MPI is already initialized", null);
        }
        Communicator world;
        try {
            world = Jccl.init();
        } catch (JcclException | IllegalArgumentException e) {
            System.err.println("jccl-mpi: MPI.Init failed: " + e.getMessage());
            throw new MPIException(ERR_OTHER, "MPI.Init failed: " + e.getMessage(), e);
        }
        mainThread = Thread.currentThread();
        COMM_WORLD.attach(world, Comm.identity(world.size()), world.rank());
        COMM_SELF.attach(self(), new int[] {world.rank()}, world.rank());
        initialized = true;
    }

    /**
     * This process alone, over jccl's in-process transport: made without talking to any other rank,
     * so that Init costs no collective for it.
     */
    private static Communicator self() {
        return Jccl.builder().environment(Map.of()).rank(0).size(1).transport("inproc")
                .rendezvous("mem:jccl-mpi-self-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).connect();
    }

    /** Ends MPI: waits for every rank (a barrier, as MPI_Finalize's collective nature asks), then closes. */
    public static synchronized void Finalize() throws MPIException {
        if (!initialized || finalized) {
            throw new MPIException(ERR_OTHER, initialized ? "MPI is already finalized" : "MPI is not initialized", null);
        }
        COMM_WORLD.barrier();
        COMM_SELF.detach();
        COMM_WORLD.detach();
        finalized = true;
    }

    /** Whether {@link #Init} has run. */
    public static boolean isInitialized() throws MPIException {
        return initialized;
    }

    /** Whether {@link #Finalize} has run. */
    public static boolean isFinalized() throws MPIException {
        return finalized;
    }

    /** Seconds since an arbitrary time in the past, from the JVM's monotonic clock. */
    public static double wtime() throws MPIException {
        return (System.nanoTime() - START) / 1e9;
    }

    /** The resolution of {@link #wtime}: a nanosecond. */
    public static double wtick() throws MPIException {
        return 1e-9;
    }

    /** This machine's host name. */
    public static String getProcessorName() throws MPIException {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Attaches {@code buffer} for {@link Comm#bSend}: its size is the budget of buffered messages
     * not yet delivered, each costing its bytes plus {@link #BSEND_OVERHEAD}.
     */
    public static void attachBuffer(byte[] buffer) throws MPIException {
        BufferedSends.attach(buffer);
    }

    /** Waits until every buffered message has left, then detaches the buffer and returns it. */
    public static byte[] detachBuffer() throws MPIException {
        return BufferedSends.detach();
    }

    /** A direct buffer of {@code capacity} bytes in the platform's order. */
    public static ByteBuffer newByteBuffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /** A direct buffer of {@code capacity} chars. */
    public static CharBuffer newCharBuffer(int capacity) {
        return newByteBuffer(capacity * 2).asCharBuffer();
    }

    /** A direct buffer of {@code capacity} shorts. */
    public static ShortBuffer newShortBuffer(int capacity) {
        return newByteBuffer(capacity * 2).asShortBuffer();
    }

    /** A direct buffer of {@code capacity} ints. */
    public static IntBuffer newIntBuffer(int capacity) {
        return newByteBuffer(capacity * 4).asIntBuffer();
    }

    /** A direct buffer of {@code capacity} longs. */
    public static LongBuffer newLongBuffer(int capacity) {
        return newByteBuffer(capacity * 8).asLongBuffer();
    }

    /** A direct buffer of {@code capacity} floats. */
    public static FloatBuffer newFloatBuffer(int capacity) {
        return newByteBuffer(capacity * 4).asFloatBuffer();
    }

    /** A direct buffer of {@code capacity} doubles. */
    public static DoubleBuffer newDoubleBuffer(int capacity) {
        return newByteBuffer(capacity * 8).asDoubleBuffer();
    }

    /** The part of {@code buf} from element {@code offset}: how a call addresses the middle of a buffer. */
    public static ByteBuffer slice(ByteBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice().order(buf.order());
    }

    /** See {@link #slice(ByteBuffer, int)}. */
    public static IntBuffer slice(IntBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** See {@link #slice(ByteBuffer, int)}. */
    public static LongBuffer slice(LongBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** See {@link #slice(ByteBuffer, int)}. */
    public static FloatBuffer slice(FloatBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** See {@link #slice(ByteBuffer, int)}. */
    public static DoubleBuffer slice(DoubleBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** See {@link #slice(ByteBuffer, int)}. */
    public static ShortBuffer slice(ShortBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** See {@link #slice(ByteBuffer, int)}. */
    public static CharBuffer slice(CharBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** The elements of {@code buf} from {@code offset} on, as a heap buffer over the array: a call reads and writes the array. */
    public static ByteBuffer slice(byte[] buf, int offset) {
        return ByteBuffer.wrap(buf).position(offset).slice().order(ByteOrder.nativeOrder());
    }

    /** See {@link #slice(byte[], int)}. */
    public static CharBuffer slice(char[] buf, int offset) {
        return CharBuffer.wrap(buf).position(offset).slice();
    }

    /** See {@link #slice(byte[], int)}. */
    public static ShortBuffer slice(short[] buf, int offset) {
        return ShortBuffer.wrap(buf).position(offset).slice();
    }

    /** See {@link #slice(byte[], int)}. */
    public static IntBuffer slice(int[] buf, int offset) {
        return IntBuffer.wrap(buf).position(offset).slice();
    }

    /** See {@link #slice(byte[], int)}. */
    public static LongBuffer slice(long[] buf, int offset) {
        return LongBuffer.wrap(buf).position(offset).slice();
    }

    /** See {@link #slice(byte[], int)}. */
    public static FloatBuffer slice(float[] buf, int offset) {
        return FloatBuffer.wrap(buf).position(offset).slice();
    }

    /** See {@link #slice(byte[], int)}. */
    public static DoubleBuffer slice(double[] buf, int offset) {
        return DoubleBuffer.wrap(buf).position(offset).slice();
    }

    /** The thread support Init provided: {@link #THREAD_SERIALIZED}. */
    public static int queryThread() throws MPIException {
        return THREAD_SERIALIZED;
    }

    /** Whether this thread called {@link #Init}. */
    public static boolean isThreadMain() throws MPIException {
        return Thread.currentThread() == mainThread;
    }

    /** The version of the MPI standard whose calls this package follows: 3.1, as Open MPI 4.1's. */
    public static Version getVersion() {
        return new Version(3, 1);
    }

    /** What implements this package: jccl-mpi and its version. */
    public static String getLibVersion() {
        String v = MPI.class.getPackage().getImplementationVersion();
        return "jccl-mpi " + (v == null ? "(development build)" : v) + ", Open MPI's Java API on jccl";
    }

    /** Profiling control: jccl-mpi has no profiling layer, so this does nothing. */
    public static void pControl(int level, Object obj) {
        // nothing to control: jccl reports collectives to JFR and its log on its own
    }
}
