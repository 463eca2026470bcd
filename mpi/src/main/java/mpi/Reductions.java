package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jccl.Communicator;
import org.jccl.DataType;

/**
 * The reducing collectives: jccl's own when it has the type and the operation, else every rank's
 * contribution gathered and reduced here in rank order. The fallback moves every rank's data to
 * every rank (reduce: to root), which is what the logical operations and 16-bit types cost until
 * jccl reduces them itself.
 */
final class Reductions {
    private Reductions() {
    }

    /** Whether jccl reduces {@code type} with {@code op} itself. */
    static boolean jcclReduces(Datatype type, Op op) {
        DataType t = type.reducible();
        if (t == null || op.reduceOp() == null) {
            return false;
        }
        boolean bitwise = op.code() == Op.Code.BAND || op.code() == Op.Code.BOR || op.code() == Op.Code.BXOR;
        return !bitwise || t == DataType.INT8 || t == DataType.INT32 || t == DataType.INT64;
    }

    static void allReduce(Communicator c, ByteBuffer send, ByteBuffer recv, int count, Datatype type, Op op)
            throws MPIException {
        if (jcclReduces(type, op)) {
            c.allReduce(send, recv, type.reducible(), op.reduceOp());
            return;
        }
        ByteBuffer all = scratch(send.remaining() * c.size());
        c.allGather(send, all);
        fold(all, recv, c.size(), count, type, op);
    }

    /**
     * The prefix reduction: rank r's {@code recv} receives ranks 0 to r's contributions reduced
     * ({@code inclusive}, MPI's scan) or 0 to r - 1's (exScan, which leaves rank 0's {@code recv}
     * as it was). Every contribution goes to every rank, then each folds its prefix in rank order.
     */
    static void prefix(Communicator c, ByteBuffer send, ByteBuffer recv, int count, Datatype type, Op op,
                       boolean inclusive) throws MPIException {
        ByteBuffer all = scratch(send.remaining() * c.size());
        c.allGather(send, all);
        int blocks = inclusive ? c.rank() + 1 : c.rank();
        if (blocks > 0) {
            fold(all, recv, blocks, count, type, op);
        }
    }

    /** Rank i receives {@code counts[i]} elements, its part of the reduction of every rank's {@code send}. */
    static void reduceScatterV(Communicator c, ByteBuffer send, ByteBuffer recv, int[] counts, Datatype type, Op op)
            throws MPIException {
        if (jcclReduces(type, op)) {
            c.reduceScatterV(send, recv, counts, type.reducible(), op.reduceOp());
            return;
        }
        int total = 0;
        int before = 0;
        for (int i = 0; i < counts.length; i++) {
            before += i < c.rank() ? counts[i] : 0;
            total += counts[i];
        }
        ByteBuffer whole = scratch(send.remaining());
        allReduce(c, send, whole, total, type, op);
        recv.put(recv.position(), whole, before * type.baseSize(), counts[c.rank()] * type.baseSize());
    }

    static void reduce(Communicator c, ByteBuffer send, ByteBuffer recv, int count, Datatype type, Op op, int root)
            throws MPIException {
        if (jcclReduces(type, op)) {
            c.reduce(send, recv, type.reducible(), op.reduceOp(), root);
            return;
        }
        boolean atRoot = c.rank() == root;
        ByteBuffer all = atRoot ? scratch(send.remaining() * c.size()) : null;
        c.gather(send, all, root);
        if (atRoot) {
            fold(all, recv, c.size(), count, type, op);
        }
    }

    static void reduceScatter(Communicator c, ByteBuffer send, ByteBuffer recv, int count, Datatype type, Op op)
            throws MPIException {
        if (jcclReduces(type, op)) {
            c.reduceScatter(send, recv, type.reducible(), op.reduceOp());
            return;
        }
        int[] counts = new int[c.size()];
        Arrays.fill(counts, count);
        reduceScatterV(c, send, recv, counts, type, op);
    }

    /** {@code into} = block 0 op block 1 op ... of the first {@code ranks} blocks of {@code count} elements in {@code all}. */
    static void fold(ByteBuffer all, ByteBuffer into, int ranks, int count, Datatype type, Op op) throws MPIException {
        int block = count * type.baseSize();
        ByteBuffer acc = all.slice(0, block).order(ByteOrder.nativeOrder());
        for (int r = 1; r < ranks; r++) {
            ByteBuffer next = all.slice(r * block, block).order(ByteOrder.nativeOrder());
            LocalReduction.apply(op, type, next, acc, count);
        }
        into.put(into.position(), acc, 0, block);
    }

    private static ByteBuffer scratch(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
    }
}
