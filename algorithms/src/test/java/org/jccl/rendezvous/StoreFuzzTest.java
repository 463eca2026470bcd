package org.jccl.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.jccl.spi.TlsIdentity;
import org.jccl.tck.TestCertificates;
import org.jccl.tck.TestPorts;

/**
 * The store's request decoder and its TLS handshake against whatever a client may send: raw bytes,
 * a TLS record header followed by anything, and requests after a proper opening with any op, key
 * length, value length (up to 2^31, negative) and wait, cut off anywhere; to a store with TLS and
 * one without. The store must answer or drop that one connection, never allocate what a length
 * claims beyond its limit, never take a stranger for a rank started wrong, and go on serving a
 * well-behaved rank.
 */
class StoreFuzzTest {
    private TcpRendezvousServer server;
    private String address;
    private TcpRendezvousClient rank;

    private TestCertificates ca;
    private TlsIdentity tls;

    @BeforeProperty
    void start() {
        ca = TestCertificates.temporary("store-fuzz");
        TestCertificates.Identity id = ca.issue("rank0");
        tls = TlsIdentity.load(id.certificate(), id.key(), ca.ca());
    }

    /** Serves a store, with TLS or not, and connects the rank that must keep being served. */
    private void serve(boolean withTls) {
        address = "127.0.0.1:" + TestPorts.freePort();
        server = TcpRendezvousServer.start(address, null, withTls ? tls : null);
        rank = TcpRendezvousClient.connect(0, address, null, withTls ? tls : null, Instant.now().plus(Duration.ofSeconds(10)));
    }

    @AfterTry
    void stop() {
        rank.close();
        server.close();
    }

    @AfterProperty
    void removeCertificates() {
        ca.close();
    }

    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<byte[]> request = Arbitraries.bytes().array(byte[].class).ofMaxSize(64).flatMap(key ->
                Arbitraries.integers().flatMap(valueLength -> Arbitraries.bytes().flatMap(op ->
                        Arbitraries.integers().between(0, 80).map(cut -> {
                            try {
                                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                                DataOutputStream out = new DataOutputStream(bytes);
                                out.writeInt(StoreProtocol.MAGIC);
                                out.writeByte(StoreProtocol.VERSION);
                                out.writeInt(7);
                                out.writeInt(StoreProtocol.MAGIC);
                                out.writeByte(StoreProtocol.VERSION);
                                out.write(new byte[32]);
                                out.writeByte(op);
                                out.writeShort(key.length);
                                out.write(key);
                                out.writeInt(valueLength);
                                out.write(new byte[Math.max(0, Math.min(cut, valueLength))]);
                                out.writeLong(0);
                                return bytes.toByteArray();
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }))));
        // a TLS record header (handshake, TLS 1.2) in front of random bytes: what a TLS parser meets first
        Arbitrary<byte[]> tlsRecord = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(body -> {
            byte[] b = new byte[5 + body.length];
            b[0] = 0x16;
            b[1] = 3;
            b[2] = 3;
            b[3] = (byte) (body.length >> 8);
            b[4] = (byte) body.length;
            System.arraycopy(body, 0, b, 5, body.length);
            return b;
        });
        return Arbitraries.oneOf(request, tlsRecord, Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Property(tries = 100)
    void anythingAClientSendsLeavesTheStoreServingTheRanks(@ForAll("requests") byte[] sent, @ForAll boolean withTls)
            throws Exception {
        serve(withTls);
        InetSocketAddress a = StoreProtocol.parseAddress(address);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 2000);
            s.setSoTimeout(200);
            s.getOutputStream().write(sent);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            try {
                in.readAllBytes(); // whatever it answers, until it drops the connection or goes quiet
            } catch (IOException quiet) {
                // a request cut off mid-way waits for the rest: the store holds only that connection
            }
        }
        byte[] value = ("v" + sent.length).getBytes(StandardCharsets.UTF_8);
        rank.set("fuzz", value);
        assertArrayEquals(value, rank.get("fuzz", Instant.now().plus(Duration.ofSeconds(5))));
        // a stranger's bytes are not a rank started wrong, but a jccl rank's plain opening to a store that
        // requires TLS is: only that fails the job
        ByteBuffer head = ByteBuffer.wrap(sent);
        boolean rankWithoutTls = withTls && sent.length >= 9 && head.getInt(0) == StoreProtocol.MAGIC
                && head.get(4) == StoreProtocol.VERSION;
        if (rankWithoutTls) {
            String failure = new String(rank.get(RendezvousStore.FAILURE, Instant.now()), StandardCharsets.UTF_8);
            assertTrue(failure.contains("without TLS"), failure);
        } else {
            assertThrows(KeyTimeout.class, () -> rank.get(RendezvousStore.FAILURE, Instant.now()),
                    () -> new String(rank.get(RendezvousStore.FAILURE, Instant.now()), StandardCharsets.UTF_8));
        }
    }
}
