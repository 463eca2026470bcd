package org.jccl.communicator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jccl.JcclException;
import org.jccl.core.CommunicatorStatus;
import org.jccl.rendezvous.KeyTimeout;
import org.jccl.rendezvous.RendezvousStore;

/**
 * Finds out, when a collective times out, which ranks never reached it. A rank that stopped calling
 * drives nothing, so it cannot answer over the data connections; every rank therefore keeps one
 * thread blocked on a second connection to the rendezvous store, waiting for a question. A rank
 * whose collective timed out asks (one key), every rank's thread answers with what each of its
 * communicators last entered and does now (one key per rank), and the asker compares the numbers.
 * While no collective times out this costs a parked thread and an idle connection, nothing per call.
 *
 * <p>One board serves a process's world communicator and every communicator split from it; answers
 * name communicators by their job id and ranks by their world rank.
 */
final class StragglerBoard implements AutoCloseable {
    /** How long the asker waits for answers; only a rank whose process is gone takes it all. */
    static final Duration ANSWER_WINDOW = Duration.ofSeconds(3);
    /** How much longer than the window the store may take to take the question and hand over the answers. */
    private static final Duration STORE_SLACK = Duration.ofSeconds(2);
    private static final String ASKS = "stragglers/asks";
    private static final String ASK = "stragglers/ask/";
    /** How long one wait of the answering thread lasts before it waits again. */
    private static final Duration LISTEN = Duration.ofHours(1);
    /** How often the asker looks for answers that are not there yet. */
    private static final long POLL_MILLIS = 50;

    private final int worldRank;
    private final RendezvousStore store;
    private final RendezvousStore listening;
    private final Map<Long, Watched> communicators = new ConcurrentHashMap<>();
    private final Thread answering;
    private volatile boolean closed;

    private StragglerBoard(int worldRank, RendezvousStore store, RendezvousStore listening) {
        this.worldRank = worldRank;
        this.store = store;
        this.listening = listening;
        this.answering = new Thread(this::answer, "jccl-stragglers-r" + worldRank);
        answering.setDaemon(true);
        answering.start();
    }

    /**
     * Starts answering for this process.
     *
     * @param store the rank's connection to the store, for asking
     * @param listen opens a second connection, which the answering thread blocks on
     */
    static StragglerBoard start(int worldRank, RendezvousStore store, Supplier<RendezvousStore> listen) {
        return new StragglerBoard(worldRank, store, listen.get());
    }

    /** A communicator answered for: what it does, and which of its peers its transport has lost. */
    private record Watched(CommunicatorStatus status, Supplier<List<Integer>> lostPeers) {
    }

    /** Answers for the communicator {@code jobId} from now on, with what {@code status} and {@code lostPeers} hold. */
    void register(long jobId, CommunicatorStatus status, Supplier<List<Integer>> lostPeers) {
        communicators.put(jobId, new Watched(status, lostPeers));
    }

    /** Stops answering for {@code jobId}, which has closed. */
    void unregister(long jobId) {
        communicators.remove(jobId);
    }

    /**
     * Asks every member of communicator {@code jobId} what it last entered, and says who did not
     * reach collective {@code sequence}, what each of them last entered, and who did not answer.
     *
     * @param worldRanks the world rank of each of the communicator's ranks
     */
    String report(long jobId, int[] worldRanks, long sequence, String operation) {
        // on a thread of its own, so that a store cut off by the network (whose calls wait for the
        // socket's timeout) cannot hold the failure up past the window
        CompletableFuture<Answer[]> asking = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                long asked = store.add(ASKS, 1);
                store.set(ASK + asked, new byte[0]);
                asking.complete(collect(asked, jobId, worldRanks));
            } catch (RuntimeException e) {
                asking.completeExceptionally(e);
            }
        }, "jccl-stragglers-ask-r" + worldRank);
        t.setDaemon(true);
        t.start();
        Answer[] answers;
        try {
            answers = asking.get(ANSWER_WINDOW.plus(STORE_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "no report on the other ranks: the store did not answer within "
                    + ANSWER_WINDOW.plus(STORE_SLACK).toSeconds() + " s (is rank 0's host reachable?)";
        } catch (ExecutionException e) {
            return "no report on the other ranks: " + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no report on the other ranks: interrupted";
        }
        List<Integer> behind = new ArrayList<>();
        List<Integer> silent = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        for (int r = 0; r < worldRanks.length; r++) {
            Answer a = answers[r];
            if (a == null) {
                silent.add(r);
            } else if (a.sequence < sequence) {
                behind.add(r);
                where.append("; rank ").append(r).append(a.describe());
            }
        }
        StringBuilder out = new StringBuilder();
        if (behind.isEmpty()) {
            out.append("every rank that answered reached collective #").append(sequence).append(" (")
                    .append(operation).append(")");
        } else {
            out.append("ranks ").append(behind).append(" did not reach collective #").append(sequence).append(" (")
                    .append(operation).append(")").append(where);
        }
        for (int r = 0; r < answers.length; r++) {
            if (answers[r] != null && !answers[r].lost.isEmpty()) {
                out.append("; rank ").append(r).append(" lost its connection to ranks [")
                        .append(answers[r].lost.replace(",", ", ")).append(']');
            }
        }
        if (!silent.isEmpty()) {
            out.append("; ranks ").append(silent).append(" did not answer within ")
                    .append(ANSWER_WINDOW.toSeconds()).append(" s (their processes are gone or stopped, or their connections to the store are lost)");
        }
        return out.toString();
    }

    /**
     * The answers to question {@code asked}, null for ranks that gave none within the window. It
     * looks at every rank in turn without waiting, again and again, rather than waiting for each:
     * the answers there are get read before a silent rank's wait is over, by which time the rank
     * serving the store may have given up and closed it.
     */
    private Answer[] collect(long asked, long jobId, int[] worldRanks) {
        Answer[] answers = new Answer[worldRanks.length];
        Instant deadline = Instant.now().plus(ANSWER_WINDOW);
        int missing = answers.length;
        while (true) {
            for (int r = 0; r < answers.length; r++) {
                if (answers[r] == null) {
                    byte[] v;
                    try {
                        v = store.get(key(asked, worldRanks[r]), Instant.now());
                    } catch (KeyTimeout e) {
                        continue;
                    } catch (JcclException e) {
                        return answers; // the store is gone: nobody else can answer
                    }
                    answers[r] = parse(v, jobId);
                    missing--;
                }
            }
            if (missing == 0 || Instant.now().isAfter(deadline)) {
                return answers;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answers;
            }
        }
    }

    /** The line of {@code jobId} in a rank's answer, or an answer saying it has no such communicator. */
    private static Answer parse(byte[] v, long jobId) {
        for (String line : new String(v, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split("\t", 5);
            if (f.length == 5 && Long.parseLong(f[0]) == jobId) {
                return new Answer(Long.parseLong(f[1]), f[2], f[4], f[3]);
            }
        }
        return new Answer(0, null, null, "");
    }

    /**
     * One rank's line about the communicator: the last collective it entered, what it does now (null:
     * it closed the communicator), and the peers it lost, comma-separated.
     */
    private record Answer(long sequence, String operation, String now, String lost) {
        String describe() {
            if (now == null) {
                return " has closed this communicator";
            }
            return (sequence == 0 ? " entered no collective yet" : " last entered #" + sequence + " (" + operation + ")")
                    + ", now " + now;
        }
    }

    private static String key(long asked, int world) {
        return "stragglers/" + asked + "/" + world;
    }

    /** The answering thread: waits for each question in turn and answers it, until closed or the store is gone. */
    private void answer() {
        long next = 1;
        while (!closed) {
            try {
                listening.get(ASK + next, Instant.now().plus(LISTEN));
            } catch (KeyTimeout e) {
                continue;
            } catch (JcclException e) {
                return; // closed, or the store is gone: there is nobody left to ask
            }
            StringBuilder s = new StringBuilder();
            communicators.forEach((job, w) -> s.append(job).append('\t').append(w.status.lastSequence())
                    .append('\t').append(w.status.lastOperation()).append('\t')
                    .append(w.lostPeers.get().stream().map(String::valueOf).collect(Collectors.joining(",")))
                    .append('\t').append(w.status.describe().replace('\n', ' ').replace('\t', ' ')).append('\n'));
            try {
                listening.set(key(next, worldRank), s.toString().getBytes(StandardCharsets.UTF_8));
            } catch (JcclException e) {
                return;
            }
            next++;
        }
    }

    /** Whether any rank of the job has asked (some collective timed out); false when the store cannot tell. */
    boolean asked() {
        try {
            return store.add(ASKS, 0) > 0;
        } catch (JcclException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        listening.close();
        answering.interrupt();
    }
}
