package org.jccl.communicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.junit.jupiter.api.Test;

/** What goes wrong before the first collective: bad transports, disagreeing ranks, one rank alone. */
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
}
