package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.jccl.rendezvous.StoreBootstrap;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.TlsIdentity;
import org.jccl.spi.Transport;
import org.jccl.tck.TestCertificates;
import org.jccl.tck.TestContexts;
import org.jccl.tck.TransportSuite.Done;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS over tcp: data crosses inside it, and every way of getting it wrong (a certificate
 * another CA signed, one that expired, a rank without TLS) is refused with a message that names TLS
 * and the reason, on every rank, quickly.
 */
class TcpTlsTest {
    /** How long a refused job may take to fail on every rank; the communicator timeout is far longer. */
    private static final Duration FAIL_FAST = Duration.ofSeconds(8);

    @TempDir
    Path dir;
    private TestCertificates ca;
    private TestCertificates rogue;

    @BeforeEach
    void authorities() {
        ca = TestCertificates.authority(dir, "jobca");
        rogue = TestCertificates.authority(dir, "rogueca");
    }

    private TlsIdentity identity(TestCertificates signer, String name) {
        TestCertificates.Identity id = signer.issue(name);
        return TlsIdentity.load(id.certificate(), id.key(), ca.ca());
    }

    @Test
    void messagesOfEverySizeCrossInsideTls() throws Exception {
        List<Transport> ts = open(new TlsIdentity[] {identity(ca, "rank0"), identity(ca, "rank1")}, Duration.ofSeconds(20));
        try {
            assertTrue(ts.get(0).describe().contains("TLS as CN=rank0"), ts.get(0).describe());
            Random random = new Random(7);
            for (int bytes : new int[] {0, 1, 16_383, 16_385, 1 << 20, (4 << 20) + 3}) {
                byte[] data = new byte[bytes];
                random.nextBytes(data);
                ByteBuffer in = ByteBuffer.allocateDirect(bytes);
                Done sent = new Done();
                Done got = new Done();
                ts.get(1).recv(0, 5, in, got);
                ts.get(0).send(1, 5, ByteBuffer.wrap(data), sent);
                sent.get(20, TimeUnit.SECONDS);
                got.get(20, TimeUnit.SECONDS);
                byte[] back = new byte[bytes];
                in.get(0, back);
                assertArrayEquals(data, back, "a message of " + bytes + " B");
            }
        } finally {
            ts.forEach(Transport::close);
        }
    }

    @Test
    void aTlsRankAndAPlainRankCannotConnect() throws Exception {
        ExecutionException e = assertRefused(new TlsIdentity[] {null, identity(ca, "rank1")});
        assertTrue(e.getCause().getMessage().contains("TLS"), e.getCause()::getMessage);
    }

    @Test
    void aDataConnectionWithACertificateAnotherCaSignedIsRefused() throws Exception {
        ExecutionException e = assertRefused(new TlsIdentity[] {identity(ca, "rank0"), identity(rogue, "rank1")});
        assertTrue(e.getCause().getMessage().contains("TLS"), e.getCause()::getMessage);
    }

    @Test
    void aRankWhoseCertificateAnotherCaSignedFailsTheJobOnEveryRankAtOnce() {
        List<String> failures = job((rank, b) -> {
            TestCertificates.Identity id = (rank == 2 ? rogue : ca).issue("rank" + rank);
            b.tls(id.certificate(), id.key(), ca.ca());
        });
        failures.forEach(f -> assertTrue(f.contains("TLS") && f.contains("CA"), f));
        for (int r : new int[] {0, 1}) {
            assertTrue(failures.get(r).contains("rank 2 ("), failures.get(r));
        }
    }

    @Test
    void aRankWithAnExpiredCertificateFailsTheJobOnEveryRankAtOnce() {
        List<String> failures = job((rank, b) -> {
            TestCertificates.Identity id = rank == 1 ? ca.expired("rank1") : ca.issue("rank" + rank);
            b.tls(id.certificate(), id.key(), ca.ca());
        });
        failures.forEach(f -> assertTrue(f.contains("TLS") && f.contains("expired"), f));
        for (int r : new int[] {0, 2}) {
            assertTrue(failures.get(r).contains("rank 1 ("), failures.get(r));
        }
    }

    @Test
    void aRankWithoutTlsFailsTheJobOnEveryRankAtOnce() {
        List<String> failures = job((rank, b) -> {
            if (rank != 1) {
                TestCertificates.Identity id = ca.issue("rank" + rank);
                b.tls(id.certificate(), id.key(), ca.ca());
            }
        });
        assertTrue(failures.get(1).contains("requires TLS and this rank has none"), failures.get(1));
        for (int r : new int[] {0, 2}) {
            assertTrue(failures.get(r).contains("rank 1 (") && failures.get(r).contains("without TLS"), failures.get(r));
        }
    }

    @Test
    void tlsRanksWithARankZeroWithoutTlsFailTheJobOnEveryRankAtOnce() {
        List<String> failures = job((rank, b) -> {
            if (rank != 0) {
                TestCertificates.Identity id = ca.issue("rank" + rank);
                b.tls(id.certificate(), id.key(), ca.ca());
            }
        });
        assertTrue(failures.get(0).contains("opened a TLS connection to the store, but rank 0"), failures.get(0));
        for (int r : new int[] {1, 2}) {
            assertTrue(failures.get(r).contains("TLS with the store"), failures.get(r));
        }
    }

    @Test
    void theThreeVariablesSetTlsAndGoTogether() {
        TestCertificates.Identity id = ca.issue("rank0");
        Map<String, String> env = Map.of("JCCL_RANK", "0", "JCCL_SIZE", "1", "JCCL_TLS_CERT", id.certificate().toString(),
                "JCCL_TLS_KEY", id.key().toString(), "JCCL_TLS_CA", ca.ca().toString());
        assertTrue(Jccl.builder().environment(env).options().tls().subject().contains("CN=rank0"));
        Map<String, String> two = new HashMap<>(env);
        two.remove("JCCL_TLS_CA");
        JcclException e = assertThrows(JcclException.class, () -> Jccl.builder().environment(two).options());
        assertTrue(e.getMessage().contains("go together"), e::getMessage);
        Map<String, String> wrongKey = new HashMap<>(env);
        wrongKey.put("JCCL_TLS_KEY", id.certificate().toString());
        e = assertThrows(JcclException.class, () -> Jccl.builder().environment(wrongKey).options());
        assertTrue(e.getMessage().contains("JCCL_TLS_KEY") && e.getMessage().contains("PKCS#8"), e::getMessage);
    }

    /**
     * Runs a 3-rank job over tcp with a long timeout, each rank set up by {@code setup}; every rank
     * must fail, all within {@link #FAIL_FAST}. Returns each rank's message.
     */
    private static List<String> job(BiConsumer<Integer, Jccl.Builder> setup) {
        long start = System.nanoTime();
        List<Throwable> errors = ThreadRanks.loopback("tcp").configured(setup).each(3, Map.of(), Duration.ofSeconds(60),
                c -> c.allReduce(ByteBuffer.allocateDirect(8), ByteBuffer.allocateDirect(8), DataType.INT64, ReduceOp.SUM));
        long took = System.nanoTime() - start;
        List<String> messages = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Throwable e = errors.get(r);
            assertNotNull(e, "rank " + r + " did not fail");
            assertInstanceOf(JcclException.class, e);
            messages.add(e.getMessage());
        }
        assertTrue(took < FAIL_FAST.toNanos(), "the job took " + took / 1e9 + " s to fail: " + messages);
        return messages;
    }

    /** Opening two transports with these identities fails on rank 1 (the connecting side); its failure. */
    /**
     * Opens two ranks with {@code ids} (they open: connections wait for the first message) and sends
     * rank 1's first message to rank 0, whose handshake must fail; returns how the send failed.
     */
    private ExecutionException assertRefused(TlsIdentity[] ids) throws Exception {
        List<Transport> ts = open(ids, Duration.ofSeconds(3));
        try {
            Done got = new Done();
            ts.get(0).recv(1, 5, ByteBuffer.allocate(4), got);
            Done sent = new Done();
            ts.get(1).send(0, 5, ByteBuffer.allocate(4), sent);
            ExecutionException e = assertThrows(ExecutionException.class, () -> sent.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().startsWith("rank 1: connect: handshake with rank 0 at "),
                    e.getCause()::getMessage);
            return e;
        } finally {
            ts.forEach(Transport::close);
        }
    }

    /** Opens one transport per identity (null: no TLS), ranks as threads. */
    static List<Transport> open(TlsIdentity[] ids, Duration timeout) throws Exception {
        TcpTransportProvider provider = new TcpTransportProvider();
        String store = "tls-" + System.nanoTime();
        long job = System.nanoTime();
        List<CompletableFuture<Transport>> fs = new ArrayList<>();
        for (int r = 0; r < ids.length; r++) {
            int rank = r;
            fs.add(CompletableFuture.supplyAsync(() -> {
                Bootstrap b = new StoreBootstrap(MemoryRendezvousStore.open(store, rank), "t", rank, ids.length, timeout);
                return provider.open(TestContexts.withTls(rank, ids.length, job, b, ids[rank], timeout));
            }, runnable -> new Thread(runnable, "tls-open-" + rank).start()));
        }
        List<Transport> ts = new ArrayList<>();
        ExecutionException first = null;
        for (int r = fs.size() - 1; r >= 0; r--) {
            try {
                ts.add(0, fs.get(r).get(30, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            ts.forEach(Transport::close);
            throw first;
        }
        return ts;
    }
}
