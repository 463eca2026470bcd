package org.jccl.communicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jccl.Communicator;
import org.jccl.Configuration;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.algorithms.CostModel;
import org.jccl.spi.TransportProvider;
import org.junit.jupiter.api.Test;

/**
 * What happens before the first collective: bad transports, disagreeing ranks, one rank alone, and
 * the cost model the ranks agree on.
 */
class StartupTest {
    /** Far beyond {@link #SOON}: a rank that fails within SOON did not sit out its timeout. */
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(60);
    /** How soon every rank of a misconfigured job must fail (the latency issue's start-up target). */
    private static final long SOON_SECONDS = 5;

    private static CompletableFuture<Communicator> join(String store, int rank, int size) {
        return join(store, rank, size, Duration.ofSeconds(1), Map.of());
    }

    private static CompletableFuture<Communicator> join(String store, int rank, int size, Duration timeout,
                                                        Map<String, String> algorithms) {
        return CompletableFuture.supplyAsync(() -> {
            Jccl.Builder b = Jccl.builder().environment(Map.of()).rank(rank).size(size).transport("inproc")
                    .rendezvous(store).timeout(timeout);
            algorithms.forEach(b::algorithm);
            return b.connect();
        });
    }

    private static Throwable failure(CompletableFuture<Communicator> f) throws Exception {
        return failure(f, 10);
    }

    private static Throwable failure(CompletableFuture<Communicator> f, long seconds) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS).close();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void anUnknownTransportIsNamedWithTheAvailableOnes() {
        JcclException e = assertThrows(JcclException.class, () -> Jccl.builder().environment(Map.of()).rank(0).size(1)
                .transport("carrier-pigeon").connect());
        assertTrue(e.getMessage().startsWith("rank 0: init: unknown transport 'carrier-pigeon'; on the class path: ["),
                e.getMessage());
    }

    @Test
    void ranksThatDisagreeOnTheSizeFailAtOnceEverywhere() throws Exception {
        String store = "mem:size-" + System.nanoTime();
        CompletableFuture<Communicator> r0 = join(store, 0, 2, LONG_TIMEOUT, Map.of());
        CompletableFuture<Communicator> r1 = join(store, 1, 3, LONG_TIMEOUT, Map.of());
        String why = "rank 1: init: this rank has size 3 but rank 0 has size 2 (JCCL_SIZE differs)";
        Throwable f1 = failure(r1, SOON_SECONDS);
        assertTrue(f1 instanceof JcclException && f1.getMessage().equals(why), String.valueOf(f1));
        Throwable f0 = failure(r0, SOON_SECONDS);
        assertTrue(f0 instanceof JcclException && f0.getMessage().equals("rank 0: init: the job failed to start: " + why),
                String.valueOf(f0));
    }

    @Test
    void twoProcessesClaimingOneRankFailAtOnceEverywhere() throws Exception {
        String store = "mem:dup-" + System.nanoTime();
        CompletableFuture<Communicator> a = join(store, 1, 2, LONG_TIMEOUT, Map.of());
        Thread.sleep(100);
        CompletableFuture<Communicator> b = join(store, 1, 2, LONG_TIMEOUT, Map.of());
        Throwable fb = failure(b, SOON_SECONDS);
        assertTrue(fb instanceof JcclException && fb.getMessage().contains("another process already joined this job as rank 1"),
                String.valueOf(fb));
        Throwable fa = failure(a, SOON_SECONDS);
        assertTrue(fa instanceof JcclException && fa.getMessage().startsWith("rank 1: init: the job failed to start: ")
                && fa.getMessage().contains("another process already joined this job as rank 1"), String.valueOf(fa));
    }

    @Test
    void ranksThatDisagreeOnAnAlgorithmFailAtStartWithBothValues() throws Exception {
        String store = "mem:algo-" + System.nanoTime();
        CompletableFuture<Communicator> r0 = join(store, 0, 3, LONG_TIMEOUT, Map.of("allreduce", "ring"));
        CompletableFuture<Communicator> r1 = join(store, 1, 3, LONG_TIMEOUT, Map.of());
        CompletableFuture<Communicator> r2 = join(store, 2, 3, LONG_TIMEOUT, Map.of("allreduce", "ring"));
        String why = "JCCL_ALGO_ALLREDUCE differs: ranks [0, 2] ring, ranks [1] unset; start every rank with the same"
                + " JCCL_ALGO_ALLREDUCE";
        Throwable f0 = failure(r0, SOON_SECONDS);
        assertTrue(f0 instanceof JcclException && f0.getMessage().equals("rank 0: init: " + why), String.valueOf(f0));
        for (CompletableFuture<Communicator> other : List.of(r1, r2)) {
            Throwable f = failure(other, SOON_SECONDS);
            assertTrue(f instanceof JcclException && f.getMessage().endsWith("init: the job failed to start: " + why),
                    String.valueOf(f));
        }
    }

    @Test
    void aThreadOnlyTransportIsRefusedForRanksInSeveralProcesses() {
        Map<String, String> a = Map.of(Configuration.ENV_TRANSPORT, "inproc", "process", "101@host");
        Map<String, String> b = Map.of(Configuration.ENV_TRANSPORT, "inproc", "process", "202@host");
        TransportProvider inproc = new org.jccl.inproc.InProcessTransportProvider();
        assertEquals("the inproc transport runs ranks as threads of one JVM, but this job's ranks are 2 processes"
                + " (use tcp or ucx)", StartupAgreement.compare(List.of(a, b), inproc));
        assertEquals(null, StartupAgreement.compare(List.of(a, a), inproc));
    }

    @Test
    void aSingleRankRunsEveryCollectiveAlone() {
        try (Communicator c = Jccl.builder().environment(Map.of()).rank(0).size(1).transport("inproc").connect()) {
            ByteBuffer b = ByteBuffer.allocate(8).putInt(0, 21).putInt(4, 2);
            c.allReduce(b, b, DataType.INT32, ReduceOp.SUM);
            assertEquals(21, b.getInt(0));
            c.barrier();
            ByteBuffer out = ByteBuffer.allocate(8);
            c.allGather(b, out);
            assertEquals(2, out.getInt(4));
        }
    }

    @Test
    void everyRankHoldsTheSameMeasuredCostModel() throws Exception {
        String store = "mem:model-" + System.nanoTime();
        List<CompletableFuture<Communicator>> ranks = List.of(join(store, 0, 3), join(store, 1, 3), join(store, 2, 3));
        CostModel[] models = new CostModel[3];
        for (int r = 0; r < 3; r++) {
            try (Communicator c = ranks.get(r).get(10, TimeUnit.SECONDS)) {
                models[r] = ((TransportCommunicator) c).selector().model();
            }
        }
        assertTrue(models[0] != CostModel.DEFAULT && models[0].alpha() > 0 && models[0].beta() > 0, models[0]::toString);
        assertEquals(models[0], models[1], "ranks 0 and 1 would choose differently");
        assertEquals(models[0], models[2], "ranks 0 and 2 would choose differently");
    }

    @Test
    void aCostModelGivenIsUsedAndABadOneRefused() throws Exception {
        String old = System.getProperty(Configuration.PROP_COST_MODEL);
        try {
            System.setProperty(Configuration.PROP_COST_MODEL, "alpha_us=7,beta_ns=3");
            try (Communicator c = Jccl.builder().environment(Map.of()).rank(0).size(1).transport("inproc").connect()) {
                CostModel m = ((TransportCommunicator) c).selector().model();
                assertEquals(7e-6, m.alpha(), 1e-12);
                assertEquals(3e-9, m.beta(), 1e-15);
            }
            System.setProperty(Configuration.PROP_COST_MODEL, "alpha_us=quick");
            JcclException e = assertThrows(JcclException.class, () -> Jccl.builder().environment(Map.of()).rank(0).size(1)
                    .transport("inproc").connect());
            assertTrue(e.getMessage().startsWith("rank 0: init: JCCL_COST_MODEL: cost model term 'alpha_us=quick'"),
                    e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Configuration.PROP_COST_MODEL);
            } else {
                System.setProperty(Configuration.PROP_COST_MODEL, old);
            }
        }
    }
}
