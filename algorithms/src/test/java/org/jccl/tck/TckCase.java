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

    /** Runs the case on this rank; returns null when the output is right, else what is wrong. */
    public String run(Communicator c) {
        Run run = new Run(c);
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

        String execute() throws Exception {
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
                case ASYNC -> {
                    return async(n);
                }
                case SPLIT -> {
                    return split(n);
                }
                case MISMATCH -> {
                    return mismatch(n);
                }
                case ARRAYS -> {
                    return arrays(n);
                }
                case ABORT -> {
                    return abortCase();
                }
                case GATHERV, ALLGATHERV -> {
                    return gatherV(kind == Kind.GATHERV);
                }
                case SCATTERV -> {
                    return scatterV();
                }
                case ALLTOALLV -> {
                    return allToAllV();
                }
                case REDUCESCATTERV -> {
                    return reduceScatterV();
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

        String async(int n) {
            ByteBuffer[] data = new ByteBuffer[3];
            java.util.List<java.util.concurrent.CompletableFuture<Void>> fs = new java.util.ArrayList<>();
            for (int k = 0; k < 3; k++) {
                data[k] = buffer(n);
                fill(data[k], 0, r, n, k * n);
                fs.add(comm.allReduceAsync(data[k], data[k], type, op));
            }
            ByteBuffer mine = buffer(n);
            fill(mine, 0, r, n, 0);
            ByteBuffer all = buffer(n * p);
            fs.add(comm.allGatherAsync(mine, all));
            java.util.Set<String> callbackThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            fs.set(0, fs.get(0).thenRun(() -> callbackThreads.add(Thread.currentThread().getName())));
            // a blocking collective while those are in flight: it drives them on its way
            ByteBuffer between = buffer(n);
            fill(between, 0, r, n, 3 * n);
            comm.allReduce(between, between, type, op);
            String b = verify(between, n, i -> reduced(3 * n + i));
            if (b != null) {
                return "the blocking allReduce between asynchronous ones: " + b;
            }
            for (int k = fs.size() - 1; k >= 0; k--) {
                fs.get(k).join(); // joined out of order: each completes on its own
            }
            for (String t : callbackThreads) {
                if (t.startsWith("jccl-")) {
                    return "rank " + r + ": a callback of allReduceAsync ran on jccl's thread " + t;
                }
            }
            for (int k = 0; k < 3; k++) {
                int base = k * n;
                String f = verify(data[k], n, i -> reduced(base + i));
                if (f != null) {
                    return f;
                }
            }
            String f = verify(all, n * p, i -> input(i / Math.max(1, n), i % Math.max(1, n)));
            return f != null ? f : window(n);
        }

        /**
         * A window of asynchronous sends and receives around the ring under one tag, all posted
         * before any is joined (sends first: posting must not wait for the peer); they must match in
         * order and each land whole.
         */
        String window(int n) {
            if (p == 1) {
                return null;
            }
            int to = (r + 1) % p;
            int from = (r + p - 1) % p;
            int messages = 4;
            java.util.List<java.util.concurrent.CompletableFuture<?>> fs = new java.util.ArrayList<>();
            java.util.Set<String> callbackThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            ByteBuffer[] in = new ByteBuffer[messages];
            for (int k = 0; k < messages; k++) {
                ByteBuffer out = buffer(n);
                fill(out, 0, r, n, k * n);
                fs.add(comm.sendAsync(out, to, salt));
            }
            for (int k = 0; k < messages; k++) {
                in[k] = buffer(n);
                // every other receive with a callback: it must run on a thread of the caller's, never on jccl's own
                java.util.concurrent.CompletableFuture<Void> f = comm.recvAsync(in[k], from, salt);
                fs.add(k % 2 == 0 ? f : f.thenRun(() -> callbackThreads.add(Thread.currentThread().getName())));
            }
            fs.forEach(java.util.concurrent.CompletableFuture::join);
            for (String t : callbackThreads) {
                if (t.startsWith("jccl-")) {
                    return "rank " + r + ": a callback of recvAsync ran on jccl's thread " + t;
                }
            }
            for (int k = 0; k < messages; k++) {
                int base = k * n;
                String f = verify(in[k], n, i -> input(from, base + i));
                if (f != null) {
                    return "window message " + k + ": " + f;
                }
            }
            return null;
        }

        String split(int n) throws InterruptedException {
            int color = r == root ? -1 : r % 2;
            org.jccl.Communicator child = comm.split(color, -r);
            if (color < 0 && child != null) {
                return "rank " + r + ": split with color -1 returned a communicator";
            }
            java.util.List<Integer> members = new java.util.ArrayList<>();
            for (int q = p - 1; q >= 0; q--) {
                if (q != root && q % 2 == color) {
                    members.add(q); // keys are -rank: the highest parent rank comes first
                }
            }
            if (child != null && (child.size() != members.size() || child.rank() != members.indexOf(r))) {
                return "rank " + r + ": child is rank " + child.rank() + " of " + child.size() + ", expected "
                        + members.indexOf(r) + " of " + members.size();
            }
            // the child on a thread of its own while the parent runs here, at the same time
            ByteBuffer c = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            String[] childFailure = new String[1];
            Thread t = new Thread(() -> {
                try {
                    for (int k = 0; k < 20; k++) {
                        c.putLong(0, r);
                        child.allReduce(c, c, DataType.INT64, ReduceOp.SUM);
                    }
                } catch (RuntimeException e) {
                    childFailure[0] = "rank " + r + ": child allReduce failed: " + e;
                }
            });
            if (child != null) {
                t.start();
            }
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 20; k++) {
                b.putLong(0, 1);
                comm.allReduce(b, b, DataType.INT64, ReduceOp.SUM);
            }
            if (child != null) {
                t.join();
                child.close();
                if (childFailure[0] != null) {
                    return childFailure[0];
                }
                long want = members.stream().mapToLong(Integer::longValue).sum();
                if (c.getLong(0) != want) {
                    return "rank " + r + ": child sum " + c.getLong(0) + ", want " + want;
                }
            }
            if (b.getLong(0) != p) {
                return "rank " + r + ": parent sum " + b.getLong(0) + ", want " + p;
            }
            // the children are closed; the parent goes on
            ByteBuffer after = ByteBuffer.allocateDirect(4).putInt(0, 1);
            comm.allReduce(after, after, DataType.INT32, ReduceOp.SUM);
            return after.getInt(0) == p ? null : "rank " + r + ": parent after closing the child got " + after.getInt(0);
        }

        /**
         * One rank passes another count to allReduce, in a child of every rank: each rank's failure
         * names what the odd rank and the others passed; the child is broken after it, the parent not.
         */
        String mismatch(int n) {
            if (p == 1) {
                return null;
            }
            org.jccl.Communicator child = comm.split(0, r);
            try {
                int mine = r == root ? Math.max(0, n - 1) : n;
                ByteBuffer b = buffer(mine);
                try {
                    child.allReduce(b, b, type, op);
                    return "rank " + r + ": allReduce with mismatched counts succeeded";
                } catch (org.jccl.JcclException e) {
                    String m = e.getMessage();
                    String odd = "rank " + root + " allReduce(count " + Math.max(0, n - 1) + ", " + type;
                    if (!m.startsWith("rank " + r + ": allReduce: ranks passed different arguments") || !m.contains(odd)
                            || !m.contains("allReduce(count " + n)) {
                        return "rank " + r + ": mismatch with " + odd + " not named: " + m;
                    }
                }
                try {
                    child.barrier();
                    return "rank " + r + ": the child still works after a mismatch";
                } catch (org.jccl.JcclException e) {
                    if (!e.getMessage().contains("ranks passed different arguments")) {
                        return "rank " + r + ": the broken child does not say why: " + e.getMessage();
                    }
                }
            } finally {
                child.close();
            }
            ByteBuffer ok = buffer(n);
            fill(ok, 0, r, n, 0);
            comm.allReduce(ok, ok, type, op);
            return verify(ok, n, this::reduced);
        }

        String arrays(int n) {
            float[] f = new float[n];
            double[] d = new double[n];
            int[] i = new int[n];
            long[] l = new long[n];
            byte[] bytes = new byte[n];
            for (int j = 0; j < n; j++) {
                f[j] = r + j;
                d[j] = r * 2 + j;
                i[j] = r - j;
                l[j] = (long) r << 33;
                bytes[j] = r == root ? (byte) (j * 7) : 0;
            }
            comm.allReduce(f, ReduceOp.SUM);
            comm.allReduce(d, ReduceOp.MAX);
            comm.allReduce(i, ReduceOp.MIN);
            comm.allReduce(l, ReduceOp.BOR);
            comm.broadcast(bytes, root);
            long orAll = 0;
            for (int q = 0; q < p; q++) {
                orAll |= (long) q << 33;
            }
            for (int j = 0; j < n; j++) {
                if (f[j] != (float) (p * (p - 1) / 2 + (long) p * j) || d[j] != (p - 1) * 2 + j || i[j] != -j
                        || l[j] != orAll || bytes[j] != (byte) (j * 7)) {
                    return "rank " + r + ": arrays wrong at " + j + ": " + f[j] + " " + d[j] + " " + i[j] + " " + l[j] + " " + bytes[j];
                }
            }
            return null;
        }

        String abortCase() throws Exception {
            ByteBuffer b = buffer(count);
            if (r == root) {
                Thread.sleep(300);
                comm.abort();
            } else {
                try {
                    comm.allReduce(b, b, type, op);
                    return p == 1 ? null : "rank " + r + ": allReduce succeeded although rank " + root + " aborted";
                } catch (org.jccl.JcclException e) {
                    if (!e.getMessage().contains("rank " + root + " aborted")) {
                        return "rank " + r + ": failure does not name the aborting rank: " + e.getMessage();
                    }
                }
            }
            try {
                comm.barrier();
                return p == 1 ? null : "rank " + r + ": barrier after abort succeeded";
            } catch (org.jccl.JcclException e) {
                return null;
            }
        }

        int[] counts() {
            int[] c = new int[p];
            for (int i = 0; i < p; i++) {
                c[i] = unevenCount(i, 0);
            }
            return c;
        }

        int[] bytes(int[] elements) {
            int[] b = new int[elements.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = elements[i] * es;
            }
            return b;
        }

        static int sum(int[] a, int to) {
            int s = 0;
            for (int i = 0; i < to; i++) {
                s += a[i];
            }
            return s;
        }

        /** Expected element {@code j} of a buffer holding every rank's block in rank order. */
        long packed(int[] c, int j) {
            int q = 0;
            while (j >= c[q]) {
                j -= c[q++];
            }
            return input(q, j);
        }

        String gatherV(boolean rooted) {
            int[] c = counts();
            int total = sum(c, p);
            boolean receives = !rooted || r == root;
            if (inPlace && receives) {
                ByteBuffer d = buffer(total);
                fill(d, sum(c, r) * es, r, c[r], 0);
                if (rooted) {
                    comm.gatherV(d, d, bytes(c), root);
                } else {
                    comm.allGatherV(d, d, bytes(c));
                }
                return verify(d, total, j -> packed(c, j));
            }
            ByteBuffer s = buffer(c[r]);
            fill(s, 0, r, c[r], 0);
            ByteBuffer d = receives ? buffer(total) : null;
            if (rooted) {
                comm.gatherV(s, d, bytes(c), root);
            } else {
                comm.allGatherV(s, d, bytes(c));
            }
            return receives ? verify(d, total, j -> packed(c, j)) : null;
        }

        String scatterV() {
            int[] c = counts();
            int total = sum(c, p);
            int off = sum(c, r);
            if (inPlace && r == root) {
                ByteBuffer s = buffer(total);
                fill(s, 0, root, total, 0);
                comm.scatterV(s, bytes(c), s, root);
                return verifyAt(s, total, off * es, c[r], j -> input(root, off + j));
            }
            ByteBuffer s = null;
            if (r == root) {
                s = buffer(total);
                fill(s, 0, root, total, 0);
            }
            ByteBuffer d = buffer(c[r]);
            comm.scatterV(s, bytes(c), d, root);
            return verify(d, c[r], j -> input(root, off + j));
        }

        String allToAllV() {
            int[] sendC = new int[p];
            int[] recvC = new int[p];
            for (int q = 0; q < p; q++) {
                sendC[q] = unevenCount(r, q);
                recvC[q] = unevenCount(q, r);
            }
            ByteBuffer s = buffer(sum(sendC, p));
            fill(s, 0, r, sum(sendC, p), 0);
            ByteBuffer d = buffer(sum(recvC, p));
            comm.allToAllV(s, bytes(sendC), d, bytes(recvC));
            return verify(d, sum(recvC, p), j -> {
                int q = 0;
                while (j >= recvC[q]) {
                    j -= recvC[q++];
                }
                int senderOffset = 0; // where rank q's block for this rank starts in q's send buffer
                for (int t = 0; t < r; t++) {
                    senderOffset += unevenCount(q, t);
                }
                return input(q, senderOffset + j);
            });
        }

        String reduceScatterV() {
            int[] c = counts();
            int total = sum(c, p);
            int off = sum(c, r);
            ByteBuffer s = buffer(total);
            fill(s, 0, r, total, 0);
            if (inPlace) {
                comm.reduceScatterV(s, s, c, type, op);
                return verifyAt(s, total, off * es, c[r], j -> reduced(off + j));
            }
            ByteBuffer d = buffer(c[r]);
            comm.reduceScatterV(s, d, c, type, op);
            return verify(d, c[r], j -> reduced(off + j));
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
