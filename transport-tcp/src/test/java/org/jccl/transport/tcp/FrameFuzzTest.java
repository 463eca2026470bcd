package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterTry;
import org.jccl.JcclException;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.jccl.rendezvous.StoreBootstrap;
import org.jccl.spi.Placement;
import org.jccl.spi.TlsIdentity;
import org.jccl.spi.Transport;
import org.jccl.tck.TestCertificates;
import org.jccl.tck.TestContexts;
import org.jccl.tck.TransportSuite.Done;

/**
 * The tcp frame decoder against whatever a peer may send: random frames (any type, any length up
 * to 2^63, truncated, replayed) from a process that passed the handshake as rank 1, raw bytes from
 * a stranger that did not, and TLS records with random bodies at a job that runs TLS. Rank 0's transport must never crash or hang: each try ends with the
 * receive rank 0 posted either matched by a well-formed message or failed with a clear error that
 * names rank 1, within the timeout, and the transport closes cleanly.
 */
class FrameFuzzTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int TAG = 9;
    private static final int RECV_BYTES = 64;
    /** What a try may allocate in all: the test's own frames and futures, and frames of the control limit. */
    private static final long ALLOCATION_BOUND = 16L << 20;
    private static final com.sun.management.ThreadMXBean ALLOCATIONS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Transport rank0;
    /** Where rank 0 listens, for strangers. */
    private InetSocketAddress listening;

    @AfterTry
    void close() {
        if (rank0 != null) {
            rank0.close();
            rank0 = null;
        }
    }

    /** One frame as a peer might write it: a header with these fields and as much payload as given. */
    record RawFrame(int magic, byte version, byte type, long tag, long length, byte[] payload) {
        ByteBuffer bytes() {
            return ByteBuffer.allocate(Frame.HEADER_BYTES + payload.length).putInt(magic).put(version).put(type)
                    .putShort((short) 0).putLong(tag).putLong(length).putLong(0).put(payload).flip();
        }
    }

    @Provide
    Arbitrary<List<RawFrame>> frames() {
        Arbitrary<Integer> magic = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.just(Frame.MAGIC)), Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Byte> version = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.just(Frame.VERSION)), Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<Byte> type = Arbitraries.bytes().between((byte) 0, (byte) 11);
        Arbitrary<Long> tag = Arbitraries.oneOf(Arbitraries.just((long) TAG), Arbitraries.longs());
        Arbitrary<Long> length = Arbitraries.oneOf(Arbitraries.longs().between(0, 2 * RECV_BYTES),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().lessOrEqual(-1),
                Arbitraries.just((long) Frame.MAX_CONTROL_PAYLOAD + 1), Arbitraries.just((long) RECV_BYTES));
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<RawFrame> frame = Combinators.combine(magic, version, type, tag, length, payload).as(RawFrame::new);
        // replays: a frame list that repeats its own frames
        return frame.list().ofMinSize(1).ofMaxSize(6).flatMap(l -> Arbitraries.integers().between(1, 3)
                .map(times -> {
                    List<RawFrame> out = new ArrayList<>();
                    for (int i = 0; i < times; i++) {
                        out.addAll(l);
                    }
                    return out;
                }));
    }

    @Property(tries = 60)
    void framesFromAPeerPastTheHandshakeEndInAMatchOrAClearErrorForThatPeer(@ForAll("frames") List<RawFrame> frames,
                                                                            @ForAll boolean closeAfter) throws Exception {
        try (SocketChannel peer = connectAsRank1()) {
            Done got = new Done();
            rank0.recv(1, TAG, ByteBuffer.allocateDirect(RECV_BYTES), got);
            long allocated = ALLOCATIONS.getTotalThreadAllocatedBytes();
            for (RawFrame f : frames) {
                write(peer, f.bytes());
            }
            if (closeAfter) {
                peer.shutdownOutput();
            }
            try {
                // a peer that closed must have ended the receive by the timeout; one that holds the line may not
                got.get(closeAfter ? TIMEOUT.toMillis() * 2 : 500, TimeUnit.MILLISECONDS);
                Statistics.collect("matched");
            } catch (ExecutionException e) {
                JcclException j = (JcclException) e.getCause();
                Statistics.collect(j.getMessage().replaceAll("[0-9]+", "N").replaceAll("^(.{0,90}).*", "$1"));
                assertTrue(j.getMessage().startsWith("rank 0: ") && j.getMessage().contains("rank 1"), j::getMessage);
            } catch (TimeoutException e) {
                // nothing decisive arrived and the peer still holds the line: a receive may wait for it,
                // as long as closing the transport ends it (checked after the try)
                assertTrue(!closeAfter, "the receive neither matched nor failed after the peer closed its side");
                Statistics.collect("still waiting");
            }
            // whatever lengths the frames claimed (up to 2^63), this JVM took no more than a few frames' worth
            long took = ALLOCATIONS.getTotalThreadAllocatedBytes() - allocated;
            assertTrue(took < ALLOCATION_BOUND, "the frames made this JVM allocate " + took + " B");
        }
    }

    @Property(tries = 60)
    void bytesFromAStrangerNeverReachTheJob(@ForAll byte[] garbage) throws Exception {
        try (SocketChannel peer = connectAsRank1()) {
            try (SocketChannel stranger = SocketChannel.open(listening)) {
                write(stranger, ByteBuffer.wrap(garbage));
            }
            // the real rank 1 still gets through, whatever the stranger sent
            Done got = new Done();
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            rank0.recv(1, TAG, in, got);
            write(peer, ByteBuffer.allocate(Frame.HEADER_BYTES + 4).putInt(Frame.MAGIC).put(Frame.VERSION)
                    .put(Frame.EAGER).putShort((short) 0).putLong(TAG).putLong(4).putLong(0).putInt(42).flip());
            got.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(42, in.getInt(0));
        }
    }

    /** Opens rank 0 of a 2-rank job and connects to it as rank 1, through the handshake. */
    private SocketChannel connectAsRank1() throws Exception {
        String store = "fuzz-" + System.nanoTime();
        long job = System.nanoTime();
        // rank 1's entry in the address book: rank 0 waits for rank 1 to connect, so any address will do
        byte[] where = Placement.here().encode();
        byte[] addr = {127, 0, 0, 1};
        MemoryRendezvousStore.open(store, 1).set("t/ag0/1", ByteBuffer.allocate(1 + 4 + 4 + where.length)
                .put((byte) 4).put(addr).putInt(1).put(where).array());
        CompletableFuture<Transport> opening = CompletableFuture.supplyAsync(() -> new TcpTransportProvider().open(
                TestContexts.of(0, 2, job, new StoreBootstrap(MemoryRendezvousStore.open(store, 0), "t", 0, 2, TIMEOUT),
                        null, null, TIMEOUT)));
        byte[] book = MemoryRendezvousStore.open(store, 1).get("t/ag0/0", Instant.now().plus(TIMEOUT));
        ByteBuffer b = ByteBuffer.wrap(book);
        byte[] a = new byte[b.get()];
        b.get(a);
        listening = new InetSocketAddress(InetAddress.getByAddress(a), b.getInt());
        SocketChannel ch = SocketChannel.open(listening);
        DataInputStream in = new DataInputStream(ch.socket().getInputStream());
        in.readFully(new byte[Frame.HEADER_BYTES + 28]); // CHALLENGE: job id, rank 0, nonce (no secret: no proof needed)
        write(ch, ByteBuffer.allocate(Frame.HEADER_BYTES + 12 + 32).putInt(Frame.MAGIC).put(Frame.VERSION)
                .put(Frame.HELLO).putShort((short) 0).putLong(0).putLong(12 + 32).putLong(0).putLong(job).putInt(1)
                .put(new byte[32]).flip());
        in.readFully(new byte[Frame.HEADER_BYTES]); // WELCOME
        rank0 = opening.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return ch;
    }

    @Property(tries = 25)
    void bytesFromAStrangerNeverReachAJobOverTls(@ForAll("tlsGarbage") byte[] garbage) throws Exception {
        try (TestCertificates ca = TestCertificates.temporary("fuzz-tls")) {
            TlsIdentity[] ids = new TlsIdentity[2];
            for (int r = 0; r < 2; r++) {
                TestCertificates.Identity id = ca.issue("rank" + r);
                ids[r] = TlsIdentity.load(id.certificate(), id.key(), ca.ca());
            }
            List<Transport> ts = TcpTlsTest.open(ids, TIMEOUT);
            try {
                String d = ts.get(0).describe();
                String port = d.substring(d.indexOf("127.0.0.1:") + 10, d.indexOf(','));
                try (SocketChannel stranger = SocketChannel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)))) {
                    write(stranger, ByteBuffer.wrap(garbage));
                }
                Done sent = new Done();
                Done got = new Done();
                ByteBuffer in = ByteBuffer.allocateDirect(4);
                ts.get(1).recv(0, TAG, in, got);
                ts.get(0).send(1, TAG, ByteBuffer.allocate(4).putInt(0, 42), sent);
                sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                got.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(42, in.getInt(0));
            } finally {
                ts.forEach(Transport::close);
            }
        }
    }

    /** Raw bytes, and TLS records (handshake, alert, data) with random bodies. */
    @Provide
    Arbitrary<byte[]> tlsGarbage() {
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> record = Combinators.combine(Arbitraries.of((byte) 0x14, (byte) 0x15, (byte) 0x16, (byte) 0x17),
                body).as((type, b) -> ByteBuffer.allocate(5 + b.length).put(type).put((byte) 3).put((byte) 3)
                        .putShort((short) b.length).put(b).array());
        return Arbitraries.oneOf(record, body);
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            // rank 0 cut the connection off: what it does about that is what the property checks
        }
    }
}
