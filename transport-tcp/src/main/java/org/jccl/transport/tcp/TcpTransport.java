package org.jccl.transport.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.spi.Completion;
import org.jccl.spi.Placement;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TlsIdentity;
import org.jccl.spi.TransportContext;

/**
 * The {@code tcp} transport: one non-blocking socket per pair of ranks that talk, opened when the
 * first of them sends ({@link OnDemandConnections}), TCP_NODELAY, driven by whichever thread waits
 * ({@link SocketDriver}). Addresses travel through the SPI's bootstrap channel, with each rank's
 * {@link Placement}, so that a rank knows whether ranks outnumber its cores.
 *
 * <p>Why plain NIO and not Netty's event loops: a Netty event loop belongs to one thread, so every
 * blocking call had to be handed to that thread and its result handed back, two wake-ups per
 * collective; on this project's 2-core machines that put a 2-rank 8 B all-reduce at 160 µs against
 * Open MPI's 11 µs (docs/performance.md).
 */
final class TcpTransport implements Transport, SocketDriver.Sockets {
    private final int rank;
    private final int size;
    private final long jobId;
    private final String secret;
    /** Mutual TLS on every data connection, or null. */
    private final TlsIdentity tls;
    /** Where those connections' engines come from, or null without TLS. */
    private final TlsEngines engines;
    private final int eagerLimit;
    private final long earlyLimit;
    private final long timeoutNanos;
    private final SocketDriver driver;
    /** Per peer: its address is this rank's own or a loopback one, so its traffic never leaves the machine. */
    private final boolean[] onMachine;
    /** The connections, once the address book is known; driver only. */
    private OnDemandConnections connections;
    private ServerSocketChannel server;
    /** Operations posted and not finished; changed by the driver only. */
    private volatile int outstanding;
    /** Connections with frames still to write; changed by the driver only. */
    private volatile int output;
    private volatile JcclException aborted;
    private volatile boolean closed;

    private TcpTransport(TransportContext ctx) {
        this.rank = ctx.rank();
        this.size = ctx.size();
        this.jobId = ctx.jobId();
        this.secret = ctx.secret();
        this.tls = ctx.tls();
        try {
            this.engines = tls == null ? null : TlsEngines.of(tls);
        } catch (IllegalArgumentException e) {
            throw new JcclException(rank, "init", e.getMessage(), e);
        }
        this.eagerLimit = Configuration.intProperty(Configuration.PROP_TCP_EAGER_LIMIT, Configuration.DEFAULT_TCP_EAGER_LIMIT);
        this.earlyLimit = Configuration.longProperty(Configuration.PROP_TCP_UNEXPECTED_LIMIT,
                Configuration.DEFAULT_TCP_UNEXPECTED_LIMIT);
        this.timeoutNanos = ctx.timeout().toNanos();
        this.onMachine = new boolean[size];
        this.driver = new SocketDriver("jccl-tcp-r" + rank, this);
    }

    /** Binds, publishes its address and learns the peers'; connections open when the first message needs them. */
    static TcpTransport open(TransportContext ctx) {
        TcpTransport t = new TcpTransport(ctx);
        try {
            t.listen(ctx);
            t.driver.start();
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void listen(TransportContext ctx) {
        InetAddress local = InterfaceAddress.choose(rank, ctx.socketInterface(), ctx.rendezvousHost());
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(local, 0), Math.max(64, Math.min(size, 4096)));
            server.configureBlocking(false);
            server.register(driver.selector(), SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw new JcclException(rank, "connect", "cannot listen on " + local.getHostAddress() + ": " + e, e);
        }
        int port = ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
        byte[] addr = local.getAddress();
        Placement placement = Placement.here();
        byte[] where = placement.encode();
        byte[][] book = ctx.bootstrap().allGather(ByteBuffer.allocate(1 + addr.length + 4 + where.length)
                .put((byte) addr.length).put(addr).putInt(port).put(where).array());
        Placement[] all = new Placement[size];
        InetSocketAddress[] addresses = new InetSocketAddress[size];
        for (int p = 0; p < size; p++) {
            all[p] = Placement.decode(ByteBuffer.wrap(book[p], 1 + book[p][0] + 4, book[p].length - 5 - book[p][0]));
            addresses[p] = decode(book[p]);
            InetAddress a = addresses[p].getAddress();
            onMachine[p] = p != rank && (a.isLoopbackAddress() || a.equals(local));
        }
        driver.oversubscribed(placement.oversubscribed(all));
        connections = new OnDemandConnections(this, rank, addresses);
    }

    /** Starts the handshake of a connected socket, accepted or dialed to {@code expectedPeer}; driver only. */
    PeerConnection register(SocketChannel ch, boolean acceptor, int expectedPeer, long handshakeDeadline)
            throws IOException {
        // the rank that connects is TLS's client, the one that accepts its server
        Wire wire = tls == null ? Wire.plain(ch) : new TlsWire(ch, engines.engine(!acceptor));
        SelectionKey key = ch.register(driver.selector(), SelectionKey.OP_READ);
        PeerConnection c = new PeerConnection(this, ch, wire, key, acceptor, expectedPeer, handshakeDeadline);
        connections.handshaking(c);
        return c;
    }

    static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // it never carried anything
            }
        }
    }

    private static InetSocketAddress decode(byte[] entry) {
        ByteBuffer b = ByteBuffer.wrap(entry);
        byte[] addr = new byte[b.get()];
        b.get(addr);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), b.getInt());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address entry", e);
        }
    }

    // ---- SocketDriver.Sockets ---------------------------------------------------------------

    @Override
    public void ready(SelectionKey key) {
        if (key.attachment() instanceof PeerConnection c) {
            if (key.isReadable()) {
                c.readable();
            }
            if (key.isValid() && key.isWritable()) {
                c.writable();
            }
        } else if (connections.connectable(key)) {
            return;
        } else if (key.isAcceptable()) {
            accept();
        }
    }

    private void accept() {
        try {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                // a peer that does not finish the handshake in time (a stranger, a stuck process) is cut off
                try {
                    register(ch, true, -1, System.nanoTime() + timeoutNanos);
                } catch (IOException e) {
                    closeQuietly(ch);
                }
            }
        } catch (IOException e) {
            // a connection that failed while being accepted: its rank reconnects or times out
        }
    }

    @Override
    public boolean busy() {
        return outstanding > 0 || output > 0;
    }

    @Override
    public long expireHandshakes(long now) {
        return connections.expire(now);
    }

    // ---- called by connections --------------------------------------------------------------

    int rank() {
        return rank;
    }

    int size() {
        return size;
    }

    long jobId() {
        return jobId;
    }

    String secret() {
        return secret;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    Selector selector() {
        return driver.selector();
    }

    int eagerLimit() {
        return eagerLimit;
    }

    long earlyLimit() {
        return earlyLimit;
    }

    void outputPending(int delta) {
        output += delta;
    }

    void operationStarted() {
        outstanding++;
    }

    void operationFinished() {
        outstanding--;
    }

    void connected(PeerConnection c) {
        connections.opened(c);
    }

    OnDemandConnections.Admission admit(int peer) {
        return connections.admit(peer);
    }

    void declined(PeerConnection c) {
        connections.declined(c);
    }

    void handshakeFailed(PeerConnection c, String why) {
        connections.handshakeFailed(c, why);
    }

    /** Refused a connection from a process of this job claiming {@code peer}, or from one claiming no valid rank (-1). */
    void rejected(int peer, String why) {
        if (peer >= 0) {
            connections.refused(peer, why);
        }
    }

    void abortedBy(int peer, String why) {
        failAll(new JcclException(rank, "transport", "rank " + peer + " reported a failure: " + why));
    }

    /** A reason short enough for a control frame. */
    private static String truncate(String why) {
        return why.length() > Frame.MAX_CONTROL_PAYLOAD / 4 ? why.substring(0, Frame.MAX_CONTROL_PAYLOAD / 4) + "..." : why;
    }

    // ---- SPI --------------------------------------------------------------------------------

    @Override
    public boolean staysOnMachine(int peer) {
        return onMachine[peer];
    }

    @Override
    public List<Integer> lostPeers() {
        return connections == null ? List.of() : connections.lost();
    }

    @Override
    public String describe() {
        int near = 0;
        for (boolean b : onMachine) {
            near += b ? 1 : 0;
        }
        return "listening on " + (server == null ? "nothing" : server.socket().getLocalSocketAddress())
                + (tls == null ? "" : ", TLS as " + tls.subject() + " on " + engines.provider()) + ", "
                + near + " of " + (size - 1) + " peers on this machine";
    }

    @Override
    public Progress progress() {
        return driver;
    }

    @Override
    public void send(int peer, long tag, ByteBuffer buf, Completion done) {
        send(peer, tag, 0, buf, done);
    }

    @Override
    public void recv(int peer, long tag, ByteBuffer buf, Completion done) {
        recv(peer, tag, 0, buf, done);
    }

    @Override
    public void recvUpTo(int peer, long tag, ByteBuffer buf, Completion done) {
        submit(false, peer, tag, 0, true, buf, done);
    }

    @Override
    public int checkedMessageBytes() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void send(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        submit(true, peer, tag, check, false, buf, done);
    }

    @Override
    public void recv(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        submit(false, peer, tag, check, false, buf, done);
    }

    /** Posts at once on the driving thread (the common case: no task allocated for it), else hands it to the driver. */
    private void submit(boolean send, int peer, long tag, long check, boolean upTo, ByteBuffer buf, Completion done) {
        if (driver.driving()) {
            post(send, peer, tag, check, upTo, buf, done);
        } else {
            driver.submit(() -> post(send, peer, tag, check, upTo, buf, done));
        }
    }

    private void post(boolean send, int peer, long tag, long check, boolean upTo, ByteBuffer buf, Completion done) {
        JcclException a = aborted;
        if (a != null) {
            done.failed(a);
            return;
        }
        if (closed) {
            done.failed(new JcclException(rank, "transport", "the transport is closed"));
            return;
        }
        connections.post(send, peer, new Operation(this, tag, check, upTo, buf, done));
    }

    @Override
    public void abort(JcclException cause) {
        driver.submit(() -> {
            if (aborted != null) {
                return;
            }
            failAll(cause);
            String why = truncate(cause.getMessage());
            connections.forEachOpen(c -> c.sendAbort(why));
            connections.dialTheRest();
        });
    }

    /** Driver only. */
    private void failAll(JcclException cause) {
        if (aborted != null) {
            return;
        }
        aborted = cause;
        connections.broken(cause, truncate(cause.getMessage()));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        driver.withLock(() -> {
            closed = true;
            JcclException broken = aborted;
            String why = broken == null ? "" : truncate(broken.getMessage());
            if (connections != null) {
                connections.forEachOpen(c -> c.sendGoodbye(why));
                if (broken != null) {
                    connections.dialTheRest(); // a peer that waits for this rank hears why it leaves
                }
                // the goodbyes (and an abort's frames, with the connections that carry them) reach the peers
                // before the sockets close
                driver.driveUntil(() -> output == 0 && !connections.connecting(), System.nanoTime() + 1_000_000_000L);
                connections.closeAll(new JcclException(rank, "transport", "the transport is closed"));
            }
            try {
                if (server != null) {
                    server.close();
                }
            } catch (IOException ignored) {
                // the port is released with the process at the latest
            }
        });
        driver.shutdown();
    }
}
