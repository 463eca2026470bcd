package org.jccl.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.jccl.Communicator;
import org.jccl.Jccl;

/** Ranks as threads of this JVM, each with its own communicator over the given transport. */
public final class ThreadRanks implements RankLauncher {
    /** What one rank does with its communicator. */
    @FunctionalInterface
    public interface RankBody {
        void run(Communicator comm) throws Exception;
    }

    private final String transport;
    private final IntFunction<String> rendezvous;
    private final BiConsumer<Integer, Jccl.Builder> setup;

    /**
     * @param transport transport name
     * @param rendezvous a fresh rendezvous address for a group of the given size
     */
    public ThreadRanks(String transport, IntFunction<String> rendezvous) {
        this(transport, rendezvous, (rank, builder) -> { });
    }

    private ThreadRanks(String transport, IntFunction<String> rendezvous, BiConsumer<Integer, Jccl.Builder> setup) {
        this.transport = transport;
        this.rendezvous = rendezvous;
        this.setup = setup;
    }

    /** The same ranks, each builder also set up by {@code perRank} (given the rank) before it connects. */
    public ThreadRanks configured(BiConsumer<Integer, Jccl.Builder> perRank) {
        return new ThreadRanks(transport, rendezvous, perRank);
    }

    /** Threads over {@code inproc} with an in-memory rendezvous. */
    public static ThreadRanks inProcess() {
        return new ThreadRanks("inproc", n -> "mem:tck-" + System.nanoTime());
    }

    /** Threads over a network transport with a store on a free loopback port. */
    public static ThreadRanks loopback(String transport) {
        return new ThreadRanks(transport, n -> "127.0.0.1:" + TestPorts.freePort());
    }

    @Override
    public List<String> run(int ranks, Map<String, String> algorithms, List<TckCase> cases) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = each(ranks, algorithms, TestPorts.timeout(), comm -> {
            for (TckCase c : cases) {
                String f = c.run(comm);
                if (f != null) {
                    failures.add(f);
                }
            }
        });
        for (int r = 0; r < ranks; r++) {
            if (errors.get(r) != null) {
                failures.add("rank " + r + " threw " + describe(errors.get(r)));
            }
        }
        return failures;
    }

    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) {
            s.append("\n      at ").append(st[i]);
        }
        return s.toString();
    }

    /**
     * Connects {@code ranks} communicators on as many threads, runs {@code body} on each, closes them,
     * and returns what each rank threw (null for none). When the hard deadline passes, fails with
     * every rank's state and stack.
     */
    public List<Throwable> each(int ranks, Map<String, String> algorithms, Duration timeout, RankBody body) {
        String address = rendezvous.apply(ranks);
        AtomicReferenceArray<Communicator> comms = new AtomicReferenceArray<>(ranks);
        AtomicReferenceArray<Throwable> errors = new AtomicReferenceArray<>(ranks);
        Thread[] threads = new Thread[ranks];
        for (int r = 0; r < ranks; r++) {
            int rank = r;
            threads[r] = new Thread(() -> {
                Jccl.Builder b = Jccl.builder().environment(Map.of()).rank(rank).size(ranks).transport(transport)
                        .rendezvous(address).timeout(timeout);
                algorithms.forEach(b::algorithm);
                setup.accept(rank, b);
                try (Communicator c = b.connect()) {
                    comms.set(rank, c);
                    body.run(c);
                } catch (Throwable t) {
                    errors.set(rank, t);
                }
            }, "tck-rank-" + r);
            threads[r].setDaemon(true);
            threads[r].start();
        }
        long deadline = System.nanoTime() + TestPorts.deadline().toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StringBuilder hung = new StringBuilder();
        for (int r = 0; r < ranks; r++) {
            if (threads[r].isAlive()) {
                hung.append("\n  rank ").append(r).append(": ").append(comms.get(r));
                for (StackTraceElement e : threads[r].getStackTrace()) {
                    hung.append("\n      at ").append(e);
                }
            }
        }
        if (hung.length() > 0) {
            for (int r = 0; r < ranks; r++) {
                Communicator c = comms.get(r);
                if (c != null) {
                    c.abort();
                }
            }
            throw new AssertionError("hard deadline of " + TestPorts.deadline().toSeconds() + " s passed with "
                    + transport + " ranks still running:" + hung);
        }
        List<Throwable> out = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            out.add(errors.get(r));
        }
        return out;
    }
}
