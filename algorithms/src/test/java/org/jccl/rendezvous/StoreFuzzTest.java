package org.jccl.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.jccl.tck.TestPorts;

/**
 * The store's request decoder against whatever a client may send: raw bytes, and requests after a
 * proper opening with any op, key length, value length (up to 2^31, negative) and wait, cut off
 * anywhere. The store must answer or drop that one connection, never allocate what a length claims
 * beyond its limit, and go on serving a well-behaved rank.
 */
class StoreFuzzTest {
    private TcpRendezvousServer server;
    private String address;
    private TcpRendezvousClient rank;

    @BeforeProperty
    void start() {
        address = "127.0.0.1:" + TestPorts.freePort();
        server = TcpRendezvousServer.start(address, null);
        rank = TcpRendezvousClient.connect(0, address, null, Instant.now().plus(Duration.ofSeconds(10)));
    }

    @AfterProperty
    void stop() {
        rank.close();
        server.close();
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
        return Arbitraries.oneOf(request, Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Property(tries = 100)
    void anythingAClientSendsLeavesTheStoreServingTheRanks(@ForAll("requests") byte[] sent) throws Exception {
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
    }
}
