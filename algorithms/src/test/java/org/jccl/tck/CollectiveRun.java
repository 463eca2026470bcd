package org.jccl.tck;

import java.nio.ByteBuffer;
import org.jccl.Communicator;

/**
 * A {@link TckCase} of one collective or point-to-point call, even or uneven: every rank builds its
 * inputs, makes the call, and checks its own output.
 */
final class CollectiveRun extends CaseRun {
    CollectiveRun(TckCase tc, Communicator comm) {
        super(tc, comm);
    }

    @Override
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
            case GATHERV, ALLGATHERV -> {
                return gatherV(kind == TckCase.Kind.GATHERV);
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

    int[] counts() {
        int[] c = new int[p];
        for (int i = 0; i < p; i++) {
            c[i] = tc.unevenCount(i, 0);
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
            sendC[q] = tc.unevenCount(r, q);
            recvC[q] = tc.unevenCount(q, r);
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
                senderOffset += tc.unevenCount(q, t);
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
}
