package org.jccl.tck;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;

/**
 * A {@link TckCase} that is a scenario rather than one call: asynchronous collectives in flight
 * together, split, a mismatch, the array conveniences, an abort, a rank that dies.
 */
final class ScenarioRun extends CaseRun {
    ScenarioRun(TckCase tc, Communicator comm) {
        super(tc, comm);
    }

    @Override
    String execute() throws Exception {
        int n = count;
        switch (kind) {
            case HALT -> {
                return halt(n);
            }
            case STALL -> {
                return stall(n);
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
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    String halt(int n) {
        ByteBuffer b = buffer(n);
        if (r == root) {
            System.out.println("HALTING rank " + r);
            System.out.flush();
            Runtime.getRuntime().halt(TckCase.HALT_STATUS);
        }
        long t0 = System.nanoTime();
        try {
            comm.allReduce(b, b, type, op);
            return "rank " + r + ": allReduce succeeded although rank " + root + " died";
        } catch (JcclException e) {
            double took = (System.nanoTime() - t0) / 1e9;
            if (!e.getMessage().startsWith("rank " + r + ": allReduce: ") || !e.getMessage().contains("rank " + root)) {
                return "rank " + r + ": failure does not name rank " + root + ": " + e.getMessage();
            }
            return took < 20 ? null : "rank " + r + ": took " + took + " s to notice rank " + root + " died";
        }
    }

    String stall(int millis) throws Exception {
        ByteBuffer b = buffer(1);
        comm.broadcast(b, root);
        if (r == root) {
            if (inPlace) {
                long pid = ProcessHandle.current().pid();
                // a process cannot wake itself: a shell sends the SIGCONT
                new ProcessBuilder("sh", "-c", "kill -STOP " + pid + "; sleep " + millis / 1000.0 + "; kill -CONT " + pid)
                        .inheritIO().start().waitFor();
            } else {
                Thread.sleep(millis);
            }
            try {
                // may still complete: the others' messages for it were on the wire before they gave up
                comm.allReduce(b, b, type, op);
                comm.barrier();
                return "rank " + r + ": a barrier succeeded after the other ranks timed out";
            } catch (JcclException e) {
                return null;
            }
        }
        long t0 = System.nanoTime();
        try {
            comm.allReduce(b, b, type, op);
            return "rank " + r + ": allReduce succeeded although rank " + root + " stopped calling";
        } catch (JcclException e) {
            double took = (System.nanoTime() - t0) / 1e9;
            String named = inPlace ? "ranks [" + root + "] did not answer" : "ranks [" + root + "] did not reach collective #";
            if (!e.getMessage().startsWith("rank " + r + ": allReduce: ") || !e.getMessage().contains(named)) {
                return "rank " + r + ": failure does not say '" + named + "': " + e.getMessage();
            }
            double timeout = Double.parseDouble(System.getenv("JCCL_TIMEOUT"));
            return took < timeout + 10 ? null : "rank " + r + ": took " + took + " s to name rank " + root;
        }
    }

    String async(int n) {
        ByteBuffer[] data = new ByteBuffer[3];
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            data[k] = buffer(n);
            fill(data[k], 0, r, n, k * n);
            fs.add(comm.allReduceAsync(data[k], data[k], type, op));
        }
        ByteBuffer mine = buffer(n);
        fill(mine, 0, r, n, 0);
        ByteBuffer all = buffer(n * p);
        fs.add(comm.allGatherAsync(mine, all));
        Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
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
        List<CompletableFuture<?>> fs = new ArrayList<>();
        Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
        ByteBuffer[] in = new ByteBuffer[messages];
        for (int k = 0; k < messages; k++) {
            ByteBuffer out = buffer(n);
            fill(out, 0, r, n, k * n);
            fs.add(comm.sendAsync(out, to, salt));
        }
        for (int k = 0; k < messages; k++) {
            in[k] = buffer(n);
            // every other receive with a callback: it must run on a thread of the caller's, never on jccl's own
            CompletableFuture<Void> f = comm.recvAsync(in[k], from, salt);
            fs.add(k % 2 == 0 ? f : f.thenRun(() -> callbackThreads.add(Thread.currentThread().getName())));
        }
        fs.forEach(CompletableFuture::join);
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
        Communicator child = comm.split(color, -r);
        if (color < 0 && child != null) {
            return "rank " + r + ": split with color -1 returned a communicator";
        }
        List<Integer> members = new ArrayList<>();
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
        ByteBuffer c = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
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
        ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
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
        Communicator child = comm.split(0, r);
        try {
            int odd = n == CaseCatalog.MISMATCH_ACROSS_CHECKS ? CaseCatalog.MISMATCH_SHORT_COUNT : Math.max(0, n - 1);
            int mine = r == root ? odd : n;
            ByteBuffer b = buffer(mine);
            try {
                child.allReduce(b, b, type, op);
                return "rank " + r + ": allReduce with mismatched counts succeeded";
            } catch (JcclException e) {
                String m = e.getMessage();
                String named = "rank " + root + " allReduce(count " + odd + ", " + type;
                if (!m.startsWith("rank " + r + ": allReduce: ranks passed different arguments") || !m.contains(named)
                        || !m.contains("allReduce(count " + n)) {
                    return "rank " + r + ": mismatch with " + named + " not named: " + m;
                }
            }
            try {
                child.barrier();
                return "rank " + r + ": the child still works after a mismatch";
            } catch (JcclException e) {
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
            } catch (JcclException e) {
                if (!e.getMessage().contains("rank " + root + " aborted")) {
                    return "rank " + r + ": failure does not name the aborting rank: " + e.getMessage();
                }
            }
        }
        try {
            comm.barrier();
            return p == 1 ? null : "rank " + r + ": barrier after abort succeeded";
        } catch (JcclException e) {
            return null;
        }
    }
}
