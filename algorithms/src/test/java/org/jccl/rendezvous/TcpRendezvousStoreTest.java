package org.jccl.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
