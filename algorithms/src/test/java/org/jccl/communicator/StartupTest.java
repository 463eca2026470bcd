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
import org.junit.jupiter.api.Test;

/**
 * What happens before the first collective: bad transports, disagreeing ranks, one rank alone, and
 * the cost model the ranks agree on.
 */
class StartupTest {
    private static CompletableFuture<Communicator> join(String store, int rank, int size) {
        return CompletableFuture.supplyAsync(() -> Jccl.builder().environment(Map.of()).rank(rank).size(size)
                .transport("inproc").rendezvous(store).timeout(Duration.ofSeconds(1)).connect());
    }

    private static Throwable failure(CompletableFuture<Communicator> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS).close();
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
    void ranksThatDisagreeOnTheSizeFail() throws Exception {
        String store = "mem:size-" + System.nanoTime();
        CompletableFuture<Communicator> r0 = join(store, 0, 2);
        CompletableFuture<Communicator> r1 = join(store, 1, 3);
        Throwable f1 = failure(r1);
        assertTrue(f1 instanceof JcclException && f1.getMessage().equals(
                "rank 1: init: this rank has size 3 but rank 0 has size 2"), String.valueOf(f1));
        assertTrue(failure(r0) instanceof JcclException, "rank 0 fails within the timeout too");
    }

    @Test
    void twoProcessesClaimingOneRankFail() throws Exception {
        String store = "mem:dup-" + System.nanoTime();
        CompletableFuture<Communicator> a = join(store, 1, 2);
        Thread.sleep(100);
        CompletableFuture<Communicator> b = join(store, 1, 2);
        Throwable fb = failure(b);
        assertTrue(fb instanceof JcclException && fb.getMessage().contains("another process already joined this job as rank 1"),
                String.valueOf(fb));
        assertTrue(failure(a) instanceof JcclException, "without a rank 0 the first one times out");
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
