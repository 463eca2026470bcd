package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.function.Function;
import org.jccl.spi.TlsIdentity;
import org.jccl.tck.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TlsWire} on both engines, the JDK's and OpenSSL's, over a real socket pair, driven the way
 * a connection drives it: each side moves only when its socket has something or it has something to
 * say. OpenSSL's engine finishes a server's handshake one unwrap later than the JDK's, and a side
 * that waited for the other to speak first hung there once.
 */
class TlsWireTest {
    private static TestCertificates authority;
    private static TlsIdentity identity;

    @BeforeAll
    static void certificates() {
        authority = TestCertificates.temporary("tls-wire");
        TestCertificates.Identity id = authority.issue("CN=rank");
        identity = TlsIdentity.load(id.certificate(), id.key(), authority.ca());
    }

    @AfterAll
    static void delete() {
        authority.close();
    }

    private static TlsEngines engines(String provider) {
        return provider.equals("openssl") ? new OpenSslEngines(identity) : TlsEngines.jdk(identity);
    }

    /** The server, which only answers in jccl's handshake, speaks first here: the case that hung. */
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void serverSpeaksFirst(String provider) throws IOException {
        transfer(engines(provider), engines(provider), pair -> pair.server, pair -> pair.client, 1 << 20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void clientSpeaksFirst(String provider) throws IOException {
        transfer(engines(provider), engines(provider), pair -> pair.client, pair -> pair.server, (1 << 20) + 7);
    }

    /** The providers speak the same TLS: ranks need not agree on one. */
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void aClientOnOneProviderAndAServerOnTheOther(String clientProvider) throws IOException {
        String serverProvider = clientProvider.equals("jdk") ? "openssl" : "jdk";
        transfer(engines(clientProvider), engines(serverProvider), pair -> pair.server, pair -> pair.client, 100_003);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void aPeerWithoutTlsEndsTheHandshakeWithAnError(String provider) throws IOException {
        try (Sockets s = new Sockets()) {
            TlsWire server = new TlsWire(s.accepted, engines(provider).engine(false));
            s.connected.configureBlocking(true);
            s.connected.write(ByteBuffer.wrap(new byte[] {'j', 'c', 'c', 'l', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
            IOException e = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (e == null && System.nanoTime() < deadline) {
                try {
                    server.read(ByteBuffer.allocate(64));
                } catch (IOException thrown) {
                    e = thrown;
                }
            }
            assertTrue(e != null && e.getMessage().startsWith("TLS:"), String.valueOf(e));
        }
    }

    private static void transfer(TlsEngines clientEngines, TlsEngines serverEngines, Function<Sides, TlsWire> sender, Function<Sides, TlsWire> receiver,
                                 int bytes) throws IOException {
        try (Sockets s = new Sockets()) {
            Sides sides = new Sides(new TlsWire(s.connected, clientEngines.engine(true)),
                    new TlsWire(s.accepted, serverEngines.engine(false)));
            TlsWire from = sender.apply(sides);
            TlsWire to = receiver.apply(sides);
            byte[] data = new byte[bytes];
            new Random(bytes).nextBytes(data);
            ByteBuffer src = ByteBuffer.wrap(data);
            ByteBuffer dst = ByteBuffer.allocate(bytes);
            ByteBuffer nothingExpected = ByteBuffer.allocate(64);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (dst.hasRemaining() && System.nanoTime() < deadline) {
                if (from.flush() && from.acceptsData() && src.hasRemaining()) {
                    from.write(new ByteBuffer[] {src}, 0, 1);
                }
                to.read(dst);
                to.flush();
                assertEquals(0, from.read(nothingExpected));
            }
            assertFalse(dst.hasRemaining(), "received " + dst.position() + " of " + bytes + " B");
            assertArrayEquals(data, dst.array());
        }
    }

    private record Sides(TlsWire client, TlsWire server) {
    }

    /** A connected pair of non-blocking loopback sockets. */
    private static final class Sockets implements AutoCloseable {
        final ServerSocketChannel listener;
        final SocketChannel connected;
        final SocketChannel accepted;

        Sockets() throws IOException {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            connected = SocketChannel.open(listener.getLocalAddress());
            accepted = listener.accept();
            connected.configureBlocking(false);
            accepted.configureBlocking(false);
        }

        @Override
        public void close() throws IOException {
            try (listener; connected; accepted) {
                // closes all three
            }
        }
    }
}
