package org.jccl.tck;

import java.nio.ByteOrder;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * One conformance case: a collective with its element count, type, op, root and buffer shape
 * (in place or not, direct or heap, window at a non-zero position, byte order). Every rank builds
 * its inputs from {@link Oracle}, runs the collective, and checks its own output element by
 * element, that position and limit did not move, and that no byte outside the window changed.
 *
 * @param count elements per rank block (scatter, gather, allGather, reduceScatter, allToAll,
 *              send/recv) or of the whole vector (broadcast, reduce, allReduce)
 */
public record TckCase(Kind kind, int count, DataType type, ReduceOp op, boolean inPlace, boolean direct, int offset,
                      ByteOrder order, int root, int salt) {

    /** The operations the TCK covers. */
    public enum Kind {
        BROADCAST, SCATTER, GATHER, ALLGATHER, REDUCE, ALLREDUCE, REDUCESCATTER, ALLTOALL, BARRIER, SENDRECV,
        GATHERV, SCATTERV, ALLGATHERV, ALLTOALLV, REDUCESCATTERV,
        /**
         * Three allReduceAsync and an allGatherAsync in flight at once, a blocking allReduce while
         * they are, then all joined out of order.
         */
        ASYNC,
        /** Split into colors rank % 2 (rank {@code root} opts out), keys reversed; child and parent concurrently. */
        SPLIT,
        /** Rank {@code root} passes one element fewer; every rank must fail naming it, then carry on. */
        MISMATCH,
        /** The array conveniences, in place. */
        ARRAYS,
        /** Rank {@code root} aborts while the others wait in allReduce; every rank must fail, naming it. */
        ABORT,
        /** Rank {@code root} kills its process mid-job; every other rank's allReduce must fail naming it. */
        HALT,
        /**
         * Rank {@code root} stops calling for {@code count} ms after a broadcast; with {@code inPlace} its
         * process is frozen (SIGSTOP) meanwhile. Every other rank's allReduce must time out naming it:
         * as the rank that did not reach the allReduce, or, frozen, as the one that did not answer.
         */
        STALL
    }

    /** Exit status of a rank process that {@link Kind#HALT} ended on purpose. */
    public static final int HALT_STATUS = 3;

    /** A one-line form that {@link #parse} reads back, for passing cases to rank processes. */
    public String encode() {
        return String.join(",", kind.name(), Integer.toString(count), type.name(), op.name(), inPlace ? "1" : "0",
                direct ? "1" : "0", Integer.toString(offset), order == ByteOrder.BIG_ENDIAN ? "BE" : "LE",
                Integer.toString(root), Integer.toString(salt));
    }

    /** Reads {@link #encode()}'s form. */
    public static TckCase parse(String s) {
        String[] f = s.split(",");
        return new TckCase(Kind.valueOf(f[0]), Integer.parseInt(f[1]), DataType.valueOf(f[2]), ReduceOp.valueOf(f[3]),
                f[4].equals("1"), f[5].equals("1"), Integer.parseInt(f[6]),
                f[7].equals("BE") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, Integer.parseInt(f[8]),
                Integer.parseInt(f[9]));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + "(" + count + " x " + type + (isReduction() ? " " + op : "")
                + (usesRoot() ? ", root " + root : "") + (inPlace ? ", in place" : "") + (direct ? ", direct" : ", heap")
                + (offset > 0 ? ", at " + offset : "") + ", " + (order == ByteOrder.BIG_ENDIAN ? "BE" : "LE") + ")";
    }

    boolean isReduction() {
        return kind == Kind.REDUCE || kind == Kind.ALLREDUCE || kind == Kind.REDUCESCATTER || kind == Kind.REDUCESCATTERV;
    }

    boolean usesRoot() {
        return kind == Kind.BROADCAST || kind == Kind.SCATTER || kind == Kind.GATHER || kind == Kind.REDUCE
                || kind == Kind.GATHERV || kind == Kind.SCATTERV;
    }

    /**
     * Elements rank {@code from} sends to rank {@code to} in the uneven variants: random around
     * {@code count}, a quarter of them zero. For the rooted and gathered variants only {@code from} matters.
     */
    int unevenCount(int from, int to) {
        long h = Oracle.mix(((long) salt << 20) ^ ((long) from << 10) ^ to);
        return Math.floorMod(h, 4L) == 0 ? 0 : (int) Math.floorMod(h >>> 8, 2L * count + 1);
    }

    /** True for the kinds that are scenarios rather than one call ({@link ScenarioRun}). */
    boolean isScenario() {
        return switch (kind) {
            case ASYNC, SPLIT, MISMATCH, ARRAYS, ABORT, HALT, STALL -> true;
            default -> false;
        };
    }

    /** Runs the case on this rank; returns null when the output is right, else what is wrong. */
    public String run(Communicator c) {
        CaseRun run = isScenario() ? new ScenarioRun(this, c) : new CollectiveRun(this, c);
        try {
            return run.execute();
        } catch (AssertionError e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "rank " + c.rank() + ": " + this + " threw " + e;
        }
    }
}
