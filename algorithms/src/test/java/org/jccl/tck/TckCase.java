package org.jccl.tck;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntToLongFunction;
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
        /** Rank {@code root} kills its process mid-job; every other rank's allReduce must fail naming it. */
        HALT
    }

    /** Exit status of a rank process that {@link Kind#HALT} ended on purpose. */
    public static final int HALT_STATUS = 3;

    private static final byte SENTINEL = 0x5A;
    private static final int SLACK = 9;

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
        return kind == Kind.REDUCE || kind == Kind.ALLREDUCE || kind == Kind.REDUCESCATTER;
    }

    boolean usesRoot() {
        return kind == Kind.BROADCAST || kind == Kind.SCATTER || kind == Kind.GATHER || kind == Kind.REDUCE;
    }

    /** Runs the case on this rank; returns null when the output is right, else what is wrong. */
    public String run(Communicator c) {
        Run run = new Run(c);
        try {
            return run.execute();
        } catch (AssertionError e) {
            return e.getMessage();
        }
    }

    /** The state of one rank running this case. */
    private final class Run {
        final Communicator comm;
        final int p;
        final int r;
        final int es;

        Run(Communicator comm) {
            this.comm = comm;
            this.p = comm.size();
            this.r = comm.rank();
            this.es = type.size();
        }

        String execute() {
            int n = count;
            switch (kind) {
                case BROADCAST -> {
                    ByteBuffer b = buffer(n);
                    if (r == root) {
                        fill(b, 0, root, n, 0);
                    }
                    comm.broadcast(b, root);
                    return verify(b, n, i -> input(root, i));
                }
                case ALLREDUCE -> {
                    ByteBuffer s = buffer(n);
                    fill(s, 0, r, n, 0);
                    ByteBuffer d = inPlace ? s : buffer(n);
                    comm.allReduce(s, d, type, op);
                    return verify(d, n, this::reduced);
                }
                case REDUCE -> {
                    ByteBuffer s = buffer(n);
                    fill(s, 0, r, n, 0);
                    ByteBuffer d = r != root ? null : inPlace ? s : buffer(n);
                    comm.reduce(s, d, type, op, root);
                    return r == root ? verify(d, n, this::reduced) : null;
                }
                case REDUCESCATTER -> {
                    ByteBuffer s = buffer(n * p);
                    fill(s, 0, r, n * p, 0);
                    if (inPlace) {
                        comm.reduceScatter(s, s, type, op);
                        return verifyAt(s, n * p, r * n * es, n, i -> reduced(r * n + i));
                    }
                    ByteBuffer d = buffer(n);
                    comm.reduceScatter(s, d, type, op);
                    return verify(d, n, i -> reduced(r * n + i));
                }
                case ALLGATHER -> {
                    ByteBuffer d = buffer(n * p);
                    if (inPlace) {
                        fill(d, r * n * es, r, n, 0);
                        comm.allGather(d, d);
                    } else {
                        ByteBuffer s = buffer(n);
                        fill(s, 0, r, n, 0);
                        comm.allGather(s, d);
                    }
                    return verify(d, n * p, i -> input(i / Math.max(1, n), i % Math.max(1, n)));
                }
                case GATHER -> {
                    if (r == root && inPlace) {
                        ByteBuffer d = buffer(n * p);
                        fill(d, r * n * es, r, n, 0);
                        comm.gather(d, d, root);
                        return verify(d, n * p, i -> input(i / Math.max(1, n), i % Math.max(1, n)));
                    }
                    ByteBuffer s = buffer(n);
                    fill(s, 0, r, n, 0);
                    ByteBuffer d = r == root ? buffer(n * p) : null;
                    comm.gather(s, d, root);
                    return r == root ? verify(d, n * p, i -> input(i / Math.max(1, n), i % Math.max(1, n))) : null;
                }
                case SCATTER -> {
                    if (r == root && inPlace) {
                        ByteBuffer s = buffer(n * p);
                        fill(s, 0, root, n * p, 0);
                        comm.scatter(s, s, root);
                        return verifyAt(s, n * p, r * n * es, n, i -> input(root, r * n + i));
                    }
                    ByteBuffer s = null;
                    if (r == root) {
                        s = buffer(n * p);
                        fill(s, 0, root, n * p, 0);
                    }
                    ByteBuffer d = buffer(n);
                    comm.scatter(s, d, root);
                    return verify(d, n, i -> input(root, r * n + i));
                }
                case ALLTOALL -> {
                    ByteBuffer s = buffer(n * p);
                    fill(s, 0, r, n * p, 0);
                    ByteBuffer d = inPlace ? s : buffer(n * p);
                    comm.allToAll(s, d);
                    // block j of the result is block r of rank j's input
                    return verify(d, n * p, i -> input(i / Math.max(1, n), r * n + i % Math.max(1, n)));
                }
                case BARRIER -> {
                    comm.barrier();
                    return null;
                }
                case SENDRECV -> {
                    if (p == 1) {
                        return null;
                    }
                    ByteBuffer s = buffer(n);
                    fill(s, 0, r, n, 0);
                    ByteBuffer d = buffer(n);
                    int to = (r + 1) % p;
                    int from = (r + p - 1) % p;
                    // even ranks send first, odd ranks receive first: no cycle even when sends wait for receives
                    if (r % 2 == 0) {
                        comm.send(s, to, salt);
                        comm.recv(d, from, salt);
                    } else {
                        comm.recv(d, from, salt);
                        comm.send(s, to, salt);
                    }
                    return verify(d, n, i -> input(from, i));
                }
                case HALT -> {
                    return halt(n);
                }
                default -> throw new IllegalStateException(kind.toString());
            }
        }

        String halt(int n) {
            ByteBuffer b = buffer(n);
            if (r == root) {
                System.out.println("HALTING rank " + r);
                System.out.flush();
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            long t0 = System.nanoTime();
            try {
                comm.allReduce(b, b, type, op);
                return "rank " + r + ": allReduce succeeded although rank " + root + " died";
            } catch (org.jccl.JcclException e) {
                double took = (System.nanoTime() - t0) / 1e9;
                if (!e.getMessage().startsWith("rank " + r + ": allReduce: ") || !e.getMessage().contains("rank " + root)) {
                    return "rank " + r + ": failure does not name rank " + root + ": " + e.getMessage();
                }
                return took < 20 ? null : "rank " + r + ": took " + took + " s to notice rank " + root + " died";
            }
        }

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
            String where = "rank " + r + " of " + p + ": " + TckCase.this;
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
}
