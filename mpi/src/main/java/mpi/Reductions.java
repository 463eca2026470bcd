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
    static boolean jcclReduces(Datatype type, Op op) throws MPIException {
        usable(op, type);
        DataType t = type.reducible();
        if (t == null || op.reduceOp() == null) {
            return false;
        }
        if (type.complex()) {
            return op.code() == Op.Code.SUM; // a sum of complex numbers sums their parts; a product does not
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
        usable(op, type);
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

    /** Refuses, before anything is sent, an operation the program freed, and MINLOC or MAXLOC not paired with a pair type. */
    static void usable(Op op, Datatype type) throws MPIException {
        if (op == null || op.isNull()) {
            throw new MPIException(MPI.ERR_OP, op == null ? "the operation is null" : op + " is freed", null);
        }
        if (op.function() == null && type.derived() && type.basicsPerElement() == 0) {
            throw new MPIException(MPI.ERR_OP, op + " is not defined on struct " + type
                    + " (a struct reduces with an operation the program writes only)", null);
        }
        if (op.function() == null && type.complex() && op.code() != Op.Code.SUM && op.code() != Op.Code.PROD) {
            throw new MPIException(MPI.ERR_OP, op + " is not defined on " + type + " (only MPI_SUM and MPI_PROD)", null);
        }
        boolean loc = op.code() == Op.Code.MINLOC || op.code() == Op.Code.MAXLOC;
        if (op.function() == null && loc != (type.pairValue() != null)) {
            throw new MPIException(MPI.ERR_OP, op + " is not defined on " + type
                    + (loc ? " (MINLOC and MAXLOC take pair types such as MPI.DOUBLE_INT)" : ""), null);
        }
    }

    /**
     * {@code into} = block 0 op block 1 op ... of the first {@code ranks} blocks of {@code count}
     * elements in {@code all}. An operation sets {@code inout = in op inout}, so the fold runs from
     * the last block down, which keeps rank order for operations that do not commute.
     */
    static void fold(ByteBuffer all, ByteBuffer into, int ranks, int count, Datatype type, Op op) throws MPIException {
        int block = count * type.baseSize();
        ByteBuffer acc = all.slice((ranks - 1) * block, block).order(ByteOrder.nativeOrder());
        for (int r = ranks - 2; r >= 0; r--) {
            ByteBuffer before = all.slice(r * block, block).order(ByteOrder.nativeOrder());
            LocalReduction.apply(op, type, before, acc, count);
        }
        into.put(into.position(), acc, 0, block);
    }

    private static ByteBuffer scratch(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
    }
}
