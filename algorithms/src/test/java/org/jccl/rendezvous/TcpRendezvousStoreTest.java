package org.jccl.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jccl.JcclException;
import org.jccl.tck.TestPorts;
import org.junit.jupiter.api.Test;

class TcpRendezvousStoreTest {
    private static Instant soon() {
        return Instant.now().plusSeconds(5);
    }

    @Test
    void setGetAddAndAGetThatWaitsForALaterSet() throws Exception {
        String addr = "127.0.0.1:" + TestPorts.freePort();
        try (TcpRendezvousServer server = TcpRendezvousServer.start(addr, null);
             TcpRendezvousClient a = TcpRendezvousClient.connect(0, addr, null, soon());
             TcpRendezvousClient b = TcpRendezvousClient.connect(1, addr, null, soon())) {
            a.set("k", "v".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), b.get("k", soon()));
            assertEquals(1, a.add("n", 1));
            assertEquals(3, b.add("n", 2));
            Thread later = new Thread(() -> a.set("late", new byte[] {7}));
            later.start();
            assertArrayEquals(new byte[] {7}, b.get("late", soon()));
            later.join();
        }
    }

    /** One request reads every rank's key, in rank order, once the last is set; the job's failure ends it at once. */
    @Test
    void oneRequestReadsEveryRanksKeyOrEndsWithTheJobsFailure() throws Exception {
        String addr = "127.0.0.1:" + TestPorts.freePort();
        try (TcpRendezvousServer server = TcpRendezvousServer.start(addr, null);
             TcpRendezvousClient a = TcpRendezvousClient.connect(0, addr, null, soon());
             TcpRendezvousClient b = TcpRendezvousClient.connect(1, addr, null, soon())) {
            a.set("p/0", new byte[] {0});
            a.set("p/1", new byte[0]);
            Thread later = new Thread(() -> a.set("p/2", new byte[] {2, 2}));
            later.start();
            byte[][] all = b.awaitAll("p/", 3, soon(), 1);
            later.join();
            assertArrayEquals(new byte[] {0}, all[0]);
            assertArrayEquals(new byte[0], all[1]);
            assertArrayEquals(new byte[] {2, 2}, all[2]);
            assertEquals(0, b.awaitAll("none/", 0, soon(), 1).length);
            JcclException timeout = assertThrows(JcclException.class, () -> b.awaitAll("p/", 4, Instant.now().plusMillis(300), 1));
            assertTrue(timeout.getMessage().contains("timed out"), timeout.getMessage());

            Thread failing = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                a.failFirst("JCCL_SIZE differs");
            });
            failing.start();
            long start = System.nanoTime();
            JcclException failed = assertThrows(JcclException.class, () -> b.awaitAll("q/", 2, soon(), 1));
            failing.join();
            assertTrue(failed.getMessage().equals("rank 1: init: the job failed to start: JCCL_SIZE differs"),
                    failed.getMessage());
            assertTrue(System.nanoTime() - start < 4_000_000_000L, "the failure ended the wait, not the deadline");
            assertEquals(1, a.add(RendezvousStore.FAILURE_SEEN, 0), "the rank counted the failure as seen");
        }
    }

    /** The bootstrap's all-gathers and barriers cost each rank the same few requests at 4 ranks and at 32. */
    @Test
    void bootstrapRequestsPerRankDoNotGrowWithTheJob() throws Exception {
        for (int n : new int[] {4, 32}) {
            String addr = "127.0.0.1:" + TestPorts.freePort();
            try (TcpRendezvousServer server = TcpRendezvousServer.start(addr, null)) {
                List<Thread> ranks = new ArrayList<>();
                List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
                for (int r = 0; r < n; r++) {
                    int rank = r;
                    ranks.add(new Thread(() -> {
                        try (TcpRendezvousClient c = TcpRendezvousClient.connect(rank, addr, null, soon())) {
                            StoreBootstrap b = new StoreBootstrap(c, "t", rank, n, Duration.ofSeconds(10));
                            byte[][] all = b.allGather(new byte[] {(byte) rank});
                            for (int i = 0; i < n; i++) {
                                assertArrayEquals(new byte[] {(byte) i}, all[i]);
                            }
                            b.barrier();
                        } catch (Throwable t) {
                            errors.add(t);
                        }
                    }));
                }
                ranks.forEach(Thread::start);
                for (Thread t : ranks) {
                    t.join(20_000);
                }
                assertTrue(errors.isEmpty(), errors.toString());
                assertEquals(4L * n, server.requests(), "two all-gather rounds of one write and one read per rank");
            }
        }
    }

    @Test
    void aKeyNobodySetsTimesOutWithAClearError() {
        String addr = "127.0.0.1:" + TestPorts.freePort();
        try (TcpRendezvousServer server = TcpRendezvousServer.start(addr, null);
             TcpRendezvousClient a = TcpRendezvousClient.connect(2, addr, null, soon())) {
            JcclException e = assertThrows(JcclException.class, () -> a.get("never", Instant.now().plusMillis(300)));
            assertTrue(e.getMessage().startsWith("rank 2: rendezvous: timed out waiting for key 'never'"), e.getMessage());
        }
    }

    @Test
    void theSecretIsProvenAndAWrongOrMissingOneIsRefused() {
        String addr = "127.0.0.1:" + TestPorts.freePort();
        try (TcpRendezvousServer server = TcpRendezvousServer.start(addr, "s3cret")) {
            try (TcpRendezvousClient ok = TcpRendezvousClient.connect(0, addr, "s3cret", soon())) {
                ok.set("x", new byte[0]);
            }
            JcclException wrong = assertThrows(JcclException.class,
                    () -> TcpRendezvousClient.connect(1, addr, "guess", soon()));
            assertTrue(wrong.getMessage().contains("rejected this rank's proof of JCCL_SECRET (the secrets differ)"),
                    wrong.getMessage());
            JcclException none = assertThrows(JcclException.class, () -> TcpRendezvousClient.connect(1, addr, null, soon()));
            assertTrue(none.getMessage().contains("(this rank has none set)"), none.getMessage());
        }
        String open = "127.0.0.1:" + TestPorts.freePort();
        try (TcpRendezvousServer server = TcpRendezvousServer.start(open, null)) {
            JcclException e = assertThrows(JcclException.class, () -> TcpRendezvousClient.connect(1, open, "s", soon()));
            assertTrue(e.getMessage().contains("ranks disagree on the secret"), e.getMessage());
        }
    }

    @Test
    void aClientRetriesUntilTheServerStartsAndGivesUpAtTheDeadline() throws Exception {
        String addr = "127.0.0.1:" + TestPorts.freePort();
        JcclException e = assertThrows(JcclException.class,
                () -> TcpRendezvousClient.connect(3, addr, null, Instant.now().plusMillis(400)));
        assertTrue(e.getMessage().startsWith("rank 3: rendezvous: cannot reach the store at " + addr), e.getMessage());
        TcpRendezvousServer[] server = new TcpRendezvousServer[1];
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            server[0] = TcpRendezvousServer.start(addr, null);
        });
        late.start();
        try (TcpRendezvousClient c = TcpRendezvousClient.connect(0, addr, null, Instant.now().plus(Duration.ofSeconds(5)))) {
            c.set("up", new byte[0]);
        }
        late.join();
        server[0].close();
    }
}
