package org.jccl.tck;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.tck.TckCase.Kind;

/**
 * The TCK's case lists. The full product (kind × ranks × counts × types × ops × in place × direct ×
 * offset × order) is far too big to run, so each (kind, ranks, count) gets one variant picked by a
 * hash, which over the catalog covers every value of every axis; reductions additionally get every
 * (type, op) pair.
 */
public final class CaseCatalog {
    /** Rank counts every suite covers: powers of two and not. */
    public static final int[] RANKS = {1, 2, 3, 4, 5, 7, 8};
    /** Element counts: empty, one, odd, medium, large and not divisible by any rank count. */
    public static final int[] COUNTS = {0, 1, 7, 1000, 100003};

    private CaseCatalog() {
    }

    /** Every kind at every count for {@code ranks} ranks, shapes and types varied. */
    public static List<TckCase> seed(int ranks) {
        List<TckCase> cases = new ArrayList<>();
        int salt = ranks * 1000;
        for (Kind kind : Kind.values()) {
            if (kind == Kind.HALT || kind == Kind.STALL || isUneven(kind) || isContract(kind)) {
                continue;
            }
            for (int count : COUNTS) {
                long h = Oracle.mix(((long) kind.ordinal() << 20) ^ ((long) count << 4) ^ ranks);
                DataType t = DataType.values()[(int) Math.floorMod(h, (long) DataType.values().length)];
                List<ReduceOp> ops = validOps(t);
                ReduceOp op = ops.get((int) Math.floorMod(h >>> 8, (long) ops.size()));
                cases.add(variant(kind, count, t, op, h >>> 16, ranks, salt++));
            }
        }
        return cases;
    }

    /** The uneven variants at every count for {@code ranks} ranks, several random count patterns each. */
    public static List<TckCase> uneven(int ranks) {
        List<TckCase> cases = new ArrayList<>();
        int salt = 70_000 + ranks * 100;
        for (Kind kind : Kind.values()) {
            if (!isUneven(kind)) {
                continue;
            }
            for (int count : COUNTS) {
                for (int pattern = 0; pattern < 2; pattern++) {
                    long h = Oracle.mix(((long) kind.ordinal() << 24) ^ ((long) count << 4) ^ ranks ^ ((long) pattern << 40));
                    DataType t = DataType.values()[(int) Math.floorMod(h, (long) DataType.values().length)];
                    List<ReduceOp> ops = validOps(t);
                    ReduceOp op = ops.get((int) Math.floorMod(h >>> 8, (long) ops.size()));
                    TckCase c = variant(kind, count == 100003 ? 20011 : count, t, op, h >>> 16, ranks, salt++);
                    cases.add(kind == Kind.ALLTOALLV && c.inPlace() ? new TckCase(c.kind(), c.count(), c.type(), c.op(),
                            false, c.direct(), c.offset(), c.order(), c.root(), c.salt()) : c);
                }
            }
        }
        return cases;
    }

    /**
     * The count of a mismatch case whose odd rank passes {@link #MISMATCH_SHORT_COUNT} elements: its
     * messages carry the check word where the others' may be too long to (over ucx), so the two
     * kinds of check meet.
     */
    static final int MISMATCH_ACROSS_CHECKS = 10007;
    /** What the odd rank of {@link #MISMATCH_ACROSS_CHECKS} passes. */
    static final int MISMATCH_SHORT_COUNT = 200;

    /**
     * Async, split, argument mismatch (small, past ucx's 4 KiB of checked messages, and across the
     * two) and arrays, back to back, on {@code ranks} ranks; ends with an abort.
     */
    public static List<TckCase> contract(int ranks) {
        List<TckCase> cases = new ArrayList<>();
        int salt = 90_000 + ranks * 10;
        int k = 0;
        Kind[] kinds = {Kind.ASYNC, Kind.SPLIT, Kind.MISMATCH, Kind.ARRAYS, Kind.ASYNC, Kind.MISMATCH, Kind.MISMATCH,
            Kind.MISMATCH, Kind.ABORT};
        int[] counts = {37, 1000, 37, 1000, 37, 1000, 20011, MISMATCH_ACROSS_CHECKS, 37};
        for (int i = 0; i < kinds.length; i++) {
            long h = Oracle.mix(((long) kinds[i].ordinal() << 24) ^ ranks ^ ((long) ++k << 40));
            DataType t = DataType.values()[(int) Math.floorMod(h, (long) DataType.values().length)];
            List<ReduceOp> ops = validOps(t);
            ReduceOp op = ops.get((int) Math.floorMod(h >>> 8, (long) ops.size()));
            cases.add(variant(kinds[i], counts[i], t, op, h >>> 16, ranks, salt++));
        }
        return cases;
    }

    static boolean isContract(Kind k) {
        return k == Kind.ASYNC || k == Kind.SPLIT || k == Kind.MISMATCH || k == Kind.ARRAYS || k == Kind.ABORT;
    }

    static boolean isUneven(Kind k) {
        return k == Kind.GATHERV || k == Kind.SCATTERV || k == Kind.ALLGATHERV || k == Kind.ALLTOALLV
                || k == Kind.REDUCESCATTERV;
    }

    /** Every (type, valid op) for the three reductions, at a small and a medium count. */
    public static List<TckCase> typesAndOps(int ranks) {
        List<TckCase> cases = new ArrayList<>();
        int salt = 50_000 + ranks;
        for (DataType t : DataType.values()) {
            for (ReduceOp op : validOps(t)) {
                for (Kind kind : new Kind[] {Kind.ALLREDUCE, Kind.REDUCE, Kind.REDUCESCATTER}) {
                    long h = Oracle.mix(((long) t.ordinal() << 24) ^ ((long) op.ordinal() << 16) ^ kind.ordinal());
                    int count = (h & 1) == 0 ? 7 : 1000;
                    cases.add(variant(kind, count, t, op, h >>> 1, ranks, salt++));
                }
            }
        }
        return cases;
    }

    /** The ops defined for {@code t}. */
    public static List<ReduceOp> validOps(DataType t) {
        List<ReduceOp> ops = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            if (t.isInteger() || !op.isBitwise()) {
                ops.add(op);
            }
        }
        return ops;
    }

    private static TckCase variant(Kind kind, int count, DataType t, ReduceOp op, long bits, int ranks, int salt) {
        return new TckCase(kind, count, t, op, (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0 ? 3 : 0,
                (bits & 8) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
                (int) Math.floorMod(bits >>> 4, (long) ranks), salt);
    }
}
