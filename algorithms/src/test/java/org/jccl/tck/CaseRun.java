package org.jccl.tck;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntToLongFunction;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * One rank running one {@link TckCase}: the case's parameters, and how inputs are made and outputs
 * checked. Inputs come from {@link Oracle}; a buffer is a window at the case's offset inside
 * sentinel bytes, so that a check finds a moved position or limit and any byte written outside the
 * window.
 */
abstract class CaseRun {
    private static final byte SENTINEL = 0x5A;
    private static final int SLACK = 9;

    final TckCase tc;
    final Communicator comm;
    final int p;
    final int r;
    final int es;
    final TckCase.Kind kind;
    final int count;
    final DataType type;
    final ReduceOp op;
    final boolean inPlace;
    final boolean direct;
    final int offset;
    final ByteOrder order;
    final int root;
    final int salt;

    CaseRun(TckCase tc, Communicator comm) {
        this.tc = tc;
        this.comm = comm;
        this.p = comm.size();
        this.r = comm.rank();
        this.es = tc.type().size();
        this.kind = tc.kind();
        this.count = tc.count();
        this.type = tc.type();
        this.op = tc.op();
        this.inPlace = tc.inPlace();
        this.direct = tc.direct();
        this.offset = tc.offset();
        this.order = tc.order();
        this.root = tc.root();
        this.salt = tc.salt();
    }

    /** Runs the case on this rank; returns null when the output is right, else what is wrong. */
    abstract String execute() throws Exception;

    long input(int rank, int i) {
        return Oracle.input(type, op, rank, i, salt);
    }

    long reduced(int i) {
        long acc = input(0, i);
        for (int q = 1; q < p; q++) {
            acc = Oracle.reduce(type, op, acc, input(q, i));
        }
        return op == ReduceOp.AVG ? Oracle.average(type, acc, p) : acc;
    }

    ByteBuffer buffer(int elems) {
        int len = elems * es;
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(offset + len + SLACK) : ByteBuffer.allocate(offset + len + SLACK);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, SENTINEL); // the limit is still the capacity here
        }
        b.order(order).position(offset).limit(offset + len);
        return b;
    }

    void fill(ByteBuffer b, int byteFrom, int rank, int elems, int firstElement) {
        for (int j = 0; j < elems; j++) {
            Oracle.write(b, b.position() + byteFrom + j * es, type, input(rank, firstElement + j));
        }
    }

    String verify(ByteBuffer b, int elems, IntToLongFunction expected) {
        return verifyAt(b, elems, 0, elems, expected);
    }

    String verifyAt(ByteBuffer b, int windowElems, int byteFrom, int elems, IntToLongFunction expected) {
        String where = "rank " + r + " of " + p + ": " + tc;
        if (b.position() != offset || b.limit() != offset + windowElems * es || b.order() != order) {
            return where + ": position/limit/order changed to " + b.position() + "/" + b.limit() + "/" + b.order();
        }
        for (int j = 0; j < elems; j++) {
            long want = expected.applyAsLong(j);
            long got = Oracle.read(b, b.position() + byteFrom + j * es, type);
            if (want != got) {
                return where + ": element " + j + " is 0x" + Long.toHexString(got) + ", expected 0x" + Long.toHexString(want);
            }
        }
        ByteBuffer all = b.duplicate().clear();
        for (int i = 0; i < all.capacity(); i++) {
            if ((i < b.position() || i >= b.limit()) && all.get(i) != SENTINEL) {
                return where + ": byte " + i + " outside the window [" + b.position() + ", " + b.limit() + ") was written";
            }
        }
        return null;
    }
}
