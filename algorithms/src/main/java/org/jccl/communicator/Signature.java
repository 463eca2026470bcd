package org.jccl.communicator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * What a rank passed to one collective, as far as every rank must agree on it: the operation, the
 * algorithm it selected, the count, type, op, root, and a hash of uneven counts. Encoded in one
 * 64-bit {@linkplain #word() check word} that travels in the header of each of the collective's
 * messages (or, over ucx, beside its long ones), from which a rank that finds another word than
 * its own reads what the other rank passed.
 */
record Signature(int operation, int algorithm, long count, int type, int op, int root, long countsHash) {
    private static final List<String> OPERATIONS = List.of("broadcast", "scatter", "gather", "allGather", "reduce",
            "allReduce", "reduceScatter", "allToAll", "barrier", "gatherV", "scatterV", "allGatherV", "allToAllV",
            "reduceScatterV");

    static Signature of(String operation, String algorithm, List<String> algorithms, long count, DataType type,
                        ReduceOp op, int root, int[] counts) {
        return new Signature(OPERATIONS.indexOf(operation), algorithms.indexOf(algorithm), count,
                type == null ? -1 : type.ordinal(), op == null ? -1 : op.ordinal(), root,
                counts == null ? 0 : mix(Arrays.hashCode(counts) ^ ((long) counts.length << 32)));
    }

    private static final DataType[] TYPES = DataType.values();

    /** The data type's name, or null for a call without one (barrier, the unreduced collectives' bytes). */
    String typeName() {
        return type < 0 ? null : TYPES[type].name();
    }

    /*
     * The check word, low bits first: count 31 | root + 1: 17 | op + 1: 4 | type + 1: 4 | algorithm + 1: 4 |
     * operation + 1: 4. Uneven counts fold their hash into the count field. A root past 131070 wraps,
     * which keeps the word a fair check but not a faithful description.
     */
    private static final int COUNT_BITS = 31;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final int ROOT_SHIFT = COUNT_BITS;
    private static final long ROOT_MASK = (1L << 17) - 1;
    private static final int OP_SHIFT = ROOT_SHIFT + 17;
    private static final int TYPE_SHIFT = OP_SHIFT + 4;
    private static final int ALGORITHM_SHIFT = TYPE_SHIFT + 4;
    private static final int OPERATION_SHIFT = ALGORITHM_SHIFT + 4;

    /** The 64-bit check word (never 0, the word of calls that are not collectives). */
    long word() {
        long c = count < 0 ? COUNT_MASK : count & COUNT_MASK;
        if (countsHash != 0) {
            c = (c ^ countsHash ^ (countsHash >>> COUNT_BITS)) & COUNT_MASK;
        }
        return c | ((root + 1L) & ROOT_MASK) << ROOT_SHIFT | (op + 1L & 0xf) << OP_SHIFT
                | (type + 1L & 0xf) << TYPE_SHIFT | (algorithm + 1L & 0xf) << ALGORITHM_SHIFT
                | (operation + 1L & 0xf) << OPERATION_SHIFT;
    }

    /** What a check word says: the fields it keeps (uneven counts come back as their folded hash). */
    static Signature ofWord(long w) {
        int operation = (int) (w >>> OPERATION_SHIFT & 0xf) - 1;
        long c = w & COUNT_MASK;
        boolean uneven = operation >= 0 && operation < OPERATIONS.size() && OPERATIONS.get(operation).endsWith("V");
        long count = c == COUNT_MASK ? -1 : uneven ? -1 : c;
        return new Signature(operation, (int) (w >>> ALGORITHM_SHIFT & 0xf) - 1, count,
                (int) (w >>> TYPE_SHIFT & 0xf) - 1, (int) (w >>> OP_SHIFT & 0xf) - 1,
                (int) (w >>> ROOT_SHIFT & ROOT_MASK) - 1, uneven && c != COUNT_MASK ? c : 0);
    }

    /** E.g. {@code allReduce(count 1000, FLOAT32, SUM, algorithm 1)}. */
    String describe() {
        StringBuilder s = new StringBuilder(operation >= 0 && operation < OPERATIONS.size()
                ? OPERATIONS.get(operation) : "operation " + operation).append('(');
        s.append(count >= 0 ? "count " + count : "uneven counts");
        if (type >= 0) {
            s.append(", ").append(DataType.values()[type]);
        }
        if (op >= 0) {
            s.append(", ").append(ReduceOp.values()[op]);
        }
        if (root >= 0) {
            s.append(", root ").append(root);
        }
        if (countsHash != 0) {
            s.append(", counts #").append(Long.toHexString(countsHash).toUpperCase(Locale.ROOT));
        }
        return s.append(", algorithm #").append(algorithm).append(')').toString();
    }

    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}
