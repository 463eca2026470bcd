package mpi;

import org.jccl.DataType;

/**
 * An MPI datatype: the predefined basic types, each matched to the Java array or buffer that holds
 * it ({@code int[]} or {@code IntBuffer} for {@link MPI#INT}, and so on); the pair types for
 * {@code MINLOC} and {@code MAXLOC} ({@link MPI#INT2}, {@link MPI#DOUBLE_INT}, ...), held in byte
 * buffers or arrays and read through {@link MPI#int2} and friends; and derived types made of them
 * ({@link #createContiguous}, {@link #createVector}, {@link #createIndexed}, {@link #createStruct},
 * ...), which must be {@linkplain #commit committed} before use. {@link MPI#FLOAT_COMPLEX} and
 * {@link MPI#DOUBLE_COMPLEX} are pairs of floats or doubles, summed and multiplied as complex
 * numbers, and read through {@link FloatComplex} and {@link DoubleComplex}.
 *
 * <p>As in Open MPI, a type derived from one basic type is used with that type's arrays and
 * buffers, and its displacements, sizes and extents count that type's elements; a struct type is
 * used with byte buffers and arrays, and counts bytes. Elements travel in the platform's byte
 * order, as the direct buffers of {@code MPI.newIntBuffer} and friends hold them; a derived type
 * travels packed, and is packed and unpacked here, so non-blocking receives and collectives, which
 * leave their data where it lies, take predefined types only.
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

    private String name;
    /** The Java element that holds the type: the basic type it is made of, or BYTE for structs and pairs. */
    private final Basic basic;
    /** jccl's type for reductions it runs itself, or null where the mpi module reduces locally. */
    private final DataType reducible;
    /** A pair type's value, or null: a value, then an int index, laid out as C lays out the struct. */
    private final Basic pairValue;
    private final TypeMap map;
    /** Whether the type is a complex number: two {@code basic} elements, real then imaginary. */
    private final boolean complex;
    private final boolean predefined;
    private boolean committed;
    private boolean freed;

    Datatype(String name, Basic basic, DataType reducible) {
        this(name, basic, reducible, null, TypeMap.of(basic), false, true);
    }

    /** A pair type (MPI.INT2, MPI.DOUBLE_INT, ...): held in byte buffers and moved as whole structs. */
    Datatype(String name, Basic value) {
        this(name, Basic.BYTE, null, value, TypeMap.bytes(indexOffset(value) + 4 + (value.bytes == 8 ? 4 : 0)), false,
                true);
    }

    private Datatype(String name, Basic basic, DataType reducible, Basic pairValue, TypeMap map, boolean complex,
                     boolean predefined) {
        this.name = name;
        this.basic = basic;
        this.reducible = reducible;
        this.pairValue = pairValue;
        this.map = map;
        this.complex = complex;
        this.predefined = predefined;
        this.committed = predefined;
    }

    /** A complex type: real and imaginary part as two {@code part} elements, in its arrays and buffers. */
    static Datatype complex(String name, Basic part, DataType reducible) {
        TypeMap two = TypeMap.blocks(new int[] {2}, new int[] {0}, new TypeMap[] {TypeMap.of(part)});
        return new Datatype(name, part, reducible, null, two, true, true);
    }

    /** A derived type with {@code map}, held in {@code basic}'s arrays and buffers. */
    private static Datatype derived(String name, Basic basic, DataType reducible, TypeMap map) {
        return new Datatype(name, basic, reducible, null, map, false, false);
    }

    /** Where a pair's int index lies: after the value, aligned as C aligns an int. */
    private static int indexOffset(Basic value) {
        return Math.max(value.bytes, 4);
    }

    Basic basic() {
        return basic;
    }

    /** The predefined type of a Java element. */
    static Datatype of(Basic b) {
        return switch (b) {
            case BYTE -> MPI.BYTE;
            case CHAR -> MPI.CHAR;
            case SHORT -> MPI.SHORT;
            case BOOLEAN -> MPI.BOOLEAN;
            case INT -> MPI.INT;
            case LONG -> MPI.LONG;
            case FLOAT -> MPI.FLOAT;
            case DOUBLE -> MPI.DOUBLE;
        };
    }

    /** For a derived type made of one basic type only: how many of it one element holds; else 0. */
    int basicsPerElement() {
        for (Basic k : map.kinds) {
            if (k != basic || pairValue != null || complex) {
                return 0;
            }
        }
        return map.kinds.length;
    }

    DataType reducible() {
        return reducible;
    }

    /** A pair type's value, or null for any other type. */
    Basic pairValue() {
        return pairValue;
    }

    /** Whether the type is a complex number. */
    boolean complex() {
        return complex;
    }

    /** The byte offset of a pair's index within the pair. */
    int pairIndexOffset() {
        return indexOffset(pairValue);
    }

    TypeMap map() {
        return map;
    }

    /** Whether the type is derived, and so travels packed. */
    boolean derived() {
        return !predefined;
    }

    /** Bytes one element takes on the wire (packed, for a derived type), and in a buffer for a predefined one. */
    int baseSize() {
        return map.size;
    }

    /** Refuses a derived type that is not committed, or freed. */
    void usable() throws MPIException {
        if (freed) {
            throw new MPIException(MPI.ERR_TYPE, "the datatype " + name + " is freed", null);
        }
        if (!committed) {
            throw new MPIException(MPI.ERR_TYPE, "the datatype " + name + " is not committed: call commit() first", null);
        }
    }

    // ---- derived types ----------------------------------------------------------------------------

    /** {@code count} copies of {@code oldType}, one after another. */
    public static Datatype createContiguous(int count, Datatype oldType) throws MPIException {
        counts(count);
        return createVector(1, count, count, oldType);
    }

    /** {@code count} blocks of {@code blockLength} elements, {@code stride} elements of {@code oldType} apart. */
    public static Datatype createVector(int count, int blockLength, int stride, Datatype oldType) throws MPIException {
        return createHVector(count, blockLength, stride * oldType.map.extent(), oldType, "vector");
    }

    /** As {@link #createVector}, with {@code stride} in bytes. */
    public static Datatype createHVector(int count, int blockLength, int stride, Datatype oldType)
            throws MPIException {
        return createHVector(count, blockLength, stride, oldType, "hvector");
    }

    private static Datatype createHVector(int count, int blockLength, int strideBytes, Datatype oldType, String kind)
            throws MPIException {
        counts(count, blockLength);
        int[] lengths = new int[count];
        int[] displacements = new int[count];
        for (int b = 0; b < count; b++) {
            lengths[b] = blockLength;
            displacements[b] = b * strideBytes;
        }
        return of(kind, lengths, displacements, oldType);
    }

    /** Blocks of {@code blockLengths[b]} elements at {@code displacements[b]} elements of {@code oldType}. */
    public static Datatype createIndexed(int[] blockLengths, int[] displacements, Datatype oldType)
            throws MPIException {
        return of("indexed", blockLengths, scaled(displacements, oldType.map.extent(), blockLengths), oldType);
    }

    /** As {@link #createIndexed}, with displacements in bytes. */
    public static Datatype createHIndexed(int[] blockLengths, int[] displacements, Datatype oldType)
            throws MPIException {
        return of("hindexed", blockLengths, scaled(displacements, 1, blockLengths), oldType);
    }

    /** Blocks of {@code blockLength} elements each at {@code displacements[b]} elements of {@code oldType}. */
    public static Datatype createIndexedBlock(int blockLength, int[] displacements, Datatype oldType)
            throws MPIException {
        int[] lengths = new int[displacements.length];
        java.util.Arrays.fill(lengths, blockLength);
        return createIndexed(lengths, displacements, oldType);
    }

    /**
     * Blocks of {@code blockLengths[b]} elements of {@code types[b]} at {@code displacements[b]}
     * bytes: a struct, used with byte buffers and arrays.
     */
    public static Datatype createStruct(int[] blockLengths, int[] displacements, Datatype[] types)
            throws MPIException {
        if (blockLengths.length != displacements.length || types.length != blockLengths.length) {
            throw new MPIException(MPI.ERR_ARG, "a struct needs as many block lengths, displacements and types ("
                    + blockLengths.length + ", " + displacements.length + ", " + types.length + ")", null);
        }
        TypeMap[] maps = new TypeMap[types.length];
        for (int b = 0; b < types.length; b++) {
            maps[b] = checked(types[b]).map;
        }
        counts(blockLengths);
        return derived("struct", Basic.BYTE, null, positive(TypeMap.blocks(blockLengths, displacements, maps)));
    }

    /** {@code oldType} with other bounds: lower bound {@code lb} and {@code extent}, in its elements. */
    public static Datatype createResized(Datatype oldType, int lb, int extent) throws MPIException {
        int unit = checked(oldType).basic.bytes;
        return derived("resized " + oldType.name, oldType.basic, oldType.reducible,
                oldType.map.resized(lb * unit, extent * unit));
    }

    private static Datatype of(String kind, int[] lengths, int[] displacementBytes, Datatype oldType)
            throws MPIException {
        checked(oldType);
        counts(lengths);
        TypeMap[] maps = new TypeMap[lengths.length];
        java.util.Arrays.fill(maps, oldType.map);
        TypeMap map = positive(TypeMap.blocks(lengths, displacementBytes, maps));
        return derived(kind + " of " + oldType.name, oldType.basic, oldType.pairValue == null ? oldType.reducible : null,
                map);
    }

    private static Datatype checked(Datatype t) throws MPIException {
        if (t == null) {
            throw new MPIException(MPI.ERR_TYPE, "the old type is null", null);
        }
        if (t.freed) {
            throw new MPIException(MPI.ERR_TYPE, "the datatype " + t.name + " is freed", null);
        }
        return t;
    }

    private static int[] scaled(int[] displacements, int unit, int[] lengths) throws MPIException {
        if (displacements.length != lengths.length) {
            throw new MPIException(MPI.ERR_ARG, "there are " + lengths.length + " block lengths but "
                    + displacements.length + " displacements", null);
        }
        int[] bytes = new int[displacements.length];
        for (int b = 0; b < bytes.length; b++) {
            bytes[b] = displacements[b] * unit;
        }
        return bytes;
    }

    private static void counts(int... counts) throws MPIException {
        for (int c : counts) {
            if (c < 0) {
                throw new MPIException(MPI.ERR_COUNT, "count " + c + " is negative", null);
            }
        }
    }

    private static TypeMap positive(TypeMap map) throws MPIException {
        if (map.lowest() < 0) {
            throw new MPIException(MPI.ERR_ARG, "a displacement before the buffer's start (" + map.lowest()
                    + " bytes) is not supported by jccl-mpi", null);
        }
        return map;
    }

    // ---- sizes ------------------------------------------------------------------------------------

    /**
     * The element's data, in units of the Java element that holds it, as Open MPI counts: 1 for a
     * basic type; for a pair type (held in bytes), its bytes without the padding.
     */
    public int getSize() throws MPIException {
        return pairValue != null ? pairValue.bytes + 4 : map.size / basic.bytes;
    }

    /** From one element's start to the next's, in units of the Java element that holds it. */
    public int getExtent() throws MPIException {
        return map.extent() / basic.bytes;
    }

    /** The lower bound, in units of the Java element that holds it. */
    public int getLb() throws MPIException {
        return map.lb / basic.bytes;
    }

    /** The extent of the data itself, without resizing, in units of the Java element. */
    public int getTrueExtent() throws MPIException {
        return (int) (map.span(1) - map.lowest()) / basic.bytes;
    }

    /** The lower bound of the data itself, in units of the Java element. */
    public int getTrueLb() throws MPIException {
        return map.lowest() / basic.bytes;
    }

    // ---- life -------------------------------------------------------------------------------------

    /** Makes a derived type usable in communication; nothing to do for a predefined one. */
    public void commit() throws MPIException {
        checked(this);
        committed = true;
    }

    /** Frees a derived type; as in Open MPI, freeing a predefined one is an error. */
    public void free() throws MPIException {
        if (predefined) {
            throw new MPIException(MPI.ERR_TYPE, "the predefined datatype " + name + " cannot be freed", null);
        }
        freed = true;
    }

    /** Whether the type was freed. */
    public boolean isNull() {
        return freed;
    }

    /** A copy, committed as this one is. */
    public Datatype dup() throws MPIException {
        Datatype copy = new Datatype(name, basic, reducible, pairValue, map, complex, predefined);
        copy.committed = committed;
        return copy;
    }

    /** The type's MPI name, e.g. {@code MPI_INT}. */
    public String getName() throws MPIException {
        return name;
    }

    /** Names the type, for messages. */
    public void setName(String name) throws MPIException {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
