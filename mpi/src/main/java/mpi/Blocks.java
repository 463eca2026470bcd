package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jccl.Communicator;

/**
 * The blocks of the {@code v} collectives. MPI places block i at any displacement; jccl's
 * {@code gatherV} and friends pack the blocks one after another in rank order. Blocks already
 * packed are used where they lie; others are copied through a packed buffer. jccl's v collectives
 * want every rank to know every count, which MPI gives only the root in gatherv and scatterv: those
 * first share the counts, one small collective more.
 */
final class Blocks {
    private Blocks() {
    }

    /** Checks one non-negative count and displacement per rank; the elements the buffer must hold. */
    static int extent(Communicator c, int[] counts, int[] displs) throws MPIException {
        if (counts == null || displs == null || counts.length != c.size() || displs.length != c.size()) {
            throw new MPIException(MPI.ERR_COUNT, "the counts and displacements must hold one entry per rank ("
                    + c.size() + ")", null);
        }
        long end = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0 || displs[i] < 0) {
                throw new MPIException(MPI.ERR_COUNT, "rank " + i + "'s count " + counts[i] + " or displacement "
                        + displs[i] + " is negative", null);
            }
            end = Math.max(end, (long) displs[i] + counts[i]);
        }
        if (end > Integer.MAX_VALUE) {
            throw new MPIException(MPI.ERR_COUNT, "the blocks reach past 2^31 - 1 elements", null);
        }
        return (int) end;
    }

    /** The counts in bytes. */
    static int[] bytes(int[] counts, Datatype type) {
        int[] b = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            b[i] = counts[i] * type.baseSize();
        }
        return b;
    }

    /** Whether block i starts where block i - 1 ends, block 0 at 0. */
    static boolean packed(int[] counts, int[] displs) {
        int at = 0;
        for (int i = 0; i < counts.length; i++) {
            if (displs[i] != at) {
                return false;
            }
            at += counts[i];
        }
        return true;
    }

    /** The blocks of {@code whole}, one after another in rank order. */
    static ByteBuffer pack(ByteBuffer whole, int[] counts, int[] displs, Datatype type) {
        if (packed(counts, displs)) {
            return whole;
        }
        int size = type.baseSize();
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        ByteBuffer out = ByteBuffer.allocate(total * size).order(ByteOrder.nativeOrder());
        int at = 0;
        for (int i = 0; i < counts.length; i++) {
            out.put(at, whole, displs[i] * size, counts[i] * size);
            at += counts[i] * size;
        }
        return out;
    }

    /** Room for the packed blocks: {@code whole} itself when they are packed there already. */
    static ByteBuffer room(ByteBuffer whole, int[] counts, int[] displs, Datatype type) {
        if (packed(counts, displs)) {
            return whole;
        }
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        return ByteBuffer.allocate(total * type.baseSize()).order(ByteOrder.nativeOrder());
    }

    /** Puts the packed blocks back at their displacements in {@code whole}, unless {@code packed} is {@code whole}. */
    static void unpack(ByteBuffer packed, ByteBuffer whole, int[] counts, int[] displs, Datatype type) {
        if (packed == whole) {
            return;
        }
        int size = type.baseSize();
        int at = 0;
        for (int i = 0; i < counts.length; i++) {
            whole.put(displs[i] * size, packed, at, counts[i] * size);
            at += counts[i] * size;
        }
    }

    static void gatherV(Communicator c, ByteBuffer send, int sendcount, Datatype sendtype, Object recvbuf,
                                int[] recvcount, int[] displs, Datatype recvtype, int root, boolean inPlace)
            throws MPIException {
        Arguments.root(c, root);
        int[] counts = countsOfAll(c, sendcount * sendtype.baseSize());
        if (c.rank() != root) {
            c.gatherV(send, null, counts, root);
            return;
        }
        int extent = extent(c, recvcount, displs);
        int[] expected = bytes(recvcount, recvtype);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != expected[i]) {
                throw new MPIException(counts[i] > expected[i] ? MPI.ERR_TRUNCATE : MPI.ERR_COUNT, "rank " + i + " sends "
                        + counts[i] + " B but the root's recvcount gives it " + expected[i] + " B", null);
            }
        }
        ByteBuffer whole = Data.in(recvbuf, extent, recvtype);
        ByteBuffer packed = room(whole, recvcount, displs, recvtype);
        c.gatherV(inPlace ? ByteBuffer.allocate(send.remaining()).put(0, send, 0, send.remaining()) : send, packed,
                counts, root);
        unpack(packed, whole, recvcount, displs, recvtype);
        Data.out(whole, recvbuf, extent, recvtype);
    }

    /** Every rank's byte count, gathered from each: what jccl's v collectives want every rank to pass. */
    private static int[] countsOfAll(Communicator c, int mine) {
        ByteBuffer all = ByteBuffer.allocate(4 * c.size()).order(ByteOrder.nativeOrder());
        c.allGather(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, mine), all);
        int[] counts = new int[c.size()];
        all.asIntBuffer().get(counts);
        return counts;
    }

    static void scatterV(Communicator c, Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype,
                                 Object recvbuf, int recvcount, Datatype recvtype, int root, boolean inPlace)
            throws MPIException {
        Arguments.root(c, root);
        boolean atRoot = c.rank() == root;
        ByteBuffer counts = ByteBuffer.allocate(4 * c.size()).order(ByteOrder.nativeOrder());
        ByteBuffer packed = null;
        if (atRoot) {
            int extent = extent(c, sendcount, displs);
            counts.asIntBuffer().put(bytes(sendcount, sendtype));
            packed = pack(Data.in(sendbuf, extent, sendtype), sendcount, displs, sendtype);
        }
        c.broadcast(counts, root);
        int[] bytes = new int[c.size()];
        counts.asIntBuffer().get(bytes);
        if (inPlace) {
            c.scatterV(packed, bytes, ByteBuffer.allocate(bytes[root]), root);
            return;
        }
        int mine = recvcount * recvtype.baseSize();
        if (bytes[c.rank()] != mine) {
            throw new MPIException(bytes[c.rank()] > mine ? MPI.ERR_TRUNCATE : MPI.ERR_COUNT, "the root sends rank "
                    + c.rank() + " " + bytes[c.rank()] + " B but its recvcount gives " + mine + " B", null);
        }
        ByteBuffer recv = Data.room(recvbuf, recvcount, recvtype);
        c.scatterV(packed, bytes, recv, root);
        Data.out(recv, recvbuf, recvcount, recvtype);
    }
}
