package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.jccl.rendezvous.StoreBootstrap;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.Completion;
import org.jccl.spi.Transport;
import org.jccl.tck.TestContexts;
import org.jccl.tck.TestPorts;
import org.jccl.tck.ThreadRanks;
import org.jccl.tck.TransportSuite;
import org.junit.jupiter.api.Test;

/** Connection set-up of the tcp transport: secrets, addresses, interfaces, and strangers on the port. */
class TcpConnectTest {

    /** Opens one transport per entry of {@code secrets} via the SPI, recording each rank's published address. */
    private static List<CompletableFuture<Transport>> open(String[] secrets, String ifname, List<byte[]> addresses) {
        String store = "tcp-connect-" + System.nanoTime();
        long job = System.nanoTime();
        int n = secrets.length;
        List<CompletableFuture<Transport>> fs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            fs.add(CompletableFuture.supplyAsync(() -> {
                StoreBootstrap sb = new StoreBootstrap(MemoryRendezvousStore.open(store, rank), "t", rank, n, Duration.ofSeconds(5));
                Bootstrap recording = new Bootstrap() {
                    @Override
                    public byte[][] allGather(byte[] mine) {
                        byte[][] all = sb.allGather(mine);
                        if (rank == 0 && addresses != null) {
                            addresses.addAll(List.of(all));
                        }
                        return all;
                    }

                    @Override
                    public void barrier() {
                        sb.barrier();
                    }
                };
                return new TcpTransportProvider().open(TestContexts.of(rank, n, job, recording, secrets[rank], ifname,
                        Duration.ofSeconds(3)));
            }, task -> new Thread(task).start()));
        }
        return fs;
    }

    /** The listening address in a rank's entry of the address book. */
    private static InetSocketAddress published(byte[] entry) throws Exception {
        ByteBuffer a = ByteBuffer.wrap(entry);
        byte[] ip = new byte[a.get()];
        a.get(ip);
        return new InetSocketAddress(InetAddress.getByAddress(ip), a.getInt());
    }

    private static Throwable failure(CompletableFuture<Transport> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS).close();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aSharedSecretOpensTheDataConnections() {
        String addr = "127.0.0.1:" + TestPorts.freePort();
        List<CompletableFuture<Integer>> sums = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            sums.add(CompletableFuture.supplyAsync(() -> {
                try (Communicator c = Jccl.builder().environment(Map.of("JCCL_SECRET", "job-42")).rank(rank).size(2)
                        .rendezvous(addr).transport("tcp").timeout(Duration.ofSeconds(20)).connect()) {
                    ByteBuffer b = ByteBuffer.allocateDirect(4).putInt(0, 1);
                    c.allReduce(b, b, DataType.INT32, ReduceOp.SUM);
                    return b.getInt(0);
                }
            }, task -> new Thread(task).start()));
        }
        sums.forEach(f -> assertEquals(2, f.join()));
    }

    @Test
    void aRankWithoutTheRightSecretIsRefusedByItsPeers() throws Exception {
        List<CompletableFuture<Transport>> fs = open(new String[] {"right", "wrong"}, null, null);
        Transport t0 = fs.get(0).get(20, TimeUnit.SECONDS);
        Transport t1 = fs.get(1).get(20, TimeUnit.SECONDS);
        try {
            TransportSuite.Done got = new TransportSuite.Done();
            t0.recv(1, 3, ByteBuffer.allocate(4), got);
            TransportSuite.Done sent = new TransportSuite.Done();
            t1.send(0, 3, ByteBuffer.allocate(4), sent);
            Throwable f1 = assertThrows(ExecutionException.class, () -> sent.get(20, TimeUnit.SECONDS)).getCause();
            assertTrue(f1.getMessage().startsWith("rank 1: connect: handshake with rank 0 at ")
                    && f1.getMessage().contains("did not prove JCCL_SECRET"), f1::getMessage);
            Throwable f0 = assertThrows(ExecutionException.class, () -> got.get(20, TimeUnit.SECONDS)).getCause();
            assertTrue(f0.getMessage().startsWith("rank 0: connect: refused a connection: rank 1 did not prove"),
                    f0::getMessage);
        } finally {
            t0.close();
            t1.close();
        }
    }

    /** A peer that is gone before the first message to it fails that message at once, naming the peer and its address. */
    @Test
    void aPeerThatCannotBeReachedFailsTheFirstMessageToItNamingItsAddress() throws Exception {
        List<byte[]> addresses = new ArrayList<>();
        List<CompletableFuture<Transport>> fs = open(new String[] {null, null}, null, addresses);
        Transport t0 = fs.get(0).get(20, TimeUnit.SECONDS);
        Transport t1 = fs.get(1).get(20, TimeUnit.SECONDS);
        try {
            String where = published(addresses.get(0)).toString();
            t0.close();
            TransportSuite.Done sent = new TransportSuite.Done();
            long start = System.nanoTime();
            t1.send(0, 3, ByteBuffer.allocate(4), sent);
            Throwable f = assertThrows(ExecutionException.class, () -> sent.get(20, TimeUnit.SECONDS)).getCause();
            assertTrue(f.getMessage().startsWith("rank 1: connect: cannot connect to rank 0 at " + where + ": "),
                    f::getMessage);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "it took longer than the timeout");
            TransportSuite.Done again = new TransportSuite.Done();
            t1.send(0, 3, ByteBuffer.allocate(4), again);
            assertEquals(f, assertThrows(ExecutionException.class, () -> again.get(5, TimeUnit.SECONDS)).getCause());
        } finally {
            t1.close();
        }
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        boolean v6;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            v6 = true;
        } catch (Exception e) {
            v6 = false;
        }
        assumeTrue(v6, "SKIPPED LOUDLY: this machine cannot bind [::1], so IPv6 is not tested here");
        List<Throwable> errors = new ThreadRanks("tcp", n -> "[::1]:" + TestPorts.freePort()).each(3, Map.of(),
                Duration.ofSeconds(20), c -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(8).putLong(0, c.rank());
                    c.allReduce(b, b, DataType.INT64, ReduceOp.MAX);
                    assertEquals(2, b.getLong(0));
                });
        errors.forEach(e -> assertNull(e, () -> "" + e));
    }

    @Test
    void theInterfaceNamedInJcclSocketIfnameIsUsedAndAMissingOneIsNamed() throws Exception {
        List<CompletableFuture<Transport>> ok = open(new String[] {null, null}, "=lo", null);
        for (CompletableFuture<Transport> f : ok) {
            assertNull(failure(f));
        }
        List<CompletableFuture<Transport>> bad = open(new String[] {null}, "nosuchif", null);
        Throwable f = failure(bad.get(0));
        assertTrue(f instanceof JcclException && f.getMessage().startsWith(
                "rank 0: connect: no interface matches JCCL_SOCKET_IFNAME=nosuchif; interfaces here: "), String.valueOf(f));
    }

    @Test
    void strangersOnTheDataPortAreCutOffAndTheJobGoesOn() throws Exception {
        List<byte[]> addresses = new ArrayList<>();
        List<CompletableFuture<Transport>> fs = open(new String[] {null, null}, null, addresses);
        Transport t0 = fs.get(0).get(20, TimeUnit.SECONDS);
        Transport t1 = fs.get(1).get(20, TimeUnit.SECONDS);
        try {
            InetSocketAddress rank0 = published(addresses.get(0));
            // garbage, a header that claims a terabyte of HELLO payload, and silence: each is cut off
            for (byte[] junk : new byte[][] {new byte[3], "GET / HTTP/1.1\r\nHost: jccl\r\n\r\n".getBytes(),
                ByteBuffer.allocate(24).putInt(0x4A43434C).put((byte) 1).put((byte) 2).putShort((short) 0)
                        .putLong(0).putLong(1L << 40).array()}) {
                try (Socket s = new Socket()) {
                    s.connect(rank0, 2000);
                    s.setSoTimeout(5000);
                    new DataOutputStream(s.getOutputStream()).write(junk);
                    InputStream in = s.getInputStream();
                    int total = 0;
                    while (in.read() >= 0) {
                        total++;
                    }
                    assertTrue(total < 100, "the stranger got " + total + " bytes before the connection closed");
                }
            }
            CompletableFuture<Void> got = new CompletableFuture<>();
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            t0.recv(1, 9, in, completion(got));
            t1.send(0, 9, ByteBuffer.allocateDirect(4).putInt(0, 77), completion(new CompletableFuture<>()));
            got.get(10, TimeUnit.SECONDS);
            assertEquals(77, in.getInt(0));
        } finally {
            t0.close();
            t1.close();
        }
    }

    private static Completion completion(CompletableFuture<Void> f) {
        return new Completion() {
            @Override
            public void completed() {
                f.complete(null);
            }

            @Override
            public void failed(JcclException cause) {
                f.completeExceptionally(cause);
            }
        };
    }

    @Test
    void aDeadRendezvousAddressFailsWithinTheTimeout() {
        JcclException e = assertThrows(JcclException.class, () -> Jccl.builder().environment(Map.of()).rank(1).size(2)
                .rendezvous("127.0.0.1:" + TestPorts.freePort()).timeout(Duration.ofMillis(800)).connect());
        assertTrue(e.getMessage().startsWith("rank 1: rendezvous: cannot reach the store at 127.0.0.1:"), e.getMessage());
    }

    @Test
    void ranksStartedOnDifferentTransportsFailAtOnceNamingBoth() throws Exception {
        String store = "mem:transports-" + System.nanoTime();
        String[] transports = {"tcp", "inproc"};
        List<CompletableFuture<Communicator>> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            ranks.add(CompletableFuture.supplyAsync(() -> Jccl.builder().environment(Map.of()).rank(rank).size(2)
                    .transport(transports[rank]).rendezvous(store).timeout(Duration.ofSeconds(60)).connect()));
        }
        String why = "JCCL_TRANSPORT differs: ranks [1] inproc, ranks [0] tcp; start every rank with the same JCCL_TRANSPORT";
        for (int r = 0; r < 2; r++) {
            CompletableFuture<Communicator> f = ranks.get(r);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS).close(),
                    "rank " + r + " did not fail within 5 s");
            String expected = r == 0 ? "rank 0: init: " + why : "rank 1: init: the job failed to start: " + why;
            assertEquals(expected, e.getCause().getMessage());
        }
    }
}
