package org.jccl.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.spi.Completion;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;

/**
 * The {@code tcp} transport: one Netty connection per pair of ranks (the higher rank connects to
 * the lower), TCP_NODELAY, and one thread per rank ({@link ProgressLoop}) that both drives the I/O
 * and runs the collectives. Addresses travel through the SPI's bootstrap channel.
 */
final class TcpTransport implements Transport {
    private final int rank;
    private final int size;
    private final long jobId;
    private final String secret;
    private final int eagerLimit;
    private final long earlyLimit;
    private final long timeoutNanos;
    private final ProgressLoop progress;
    private final AtomicReferenceArray<PeerConnection> peers;
    private final CountDownLatch ready;
    private final List<PeerConnection> all = new ArrayList<>();
    private Channel server;
    private volatile String handshakeError;
    private volatile String refusal;
    private volatile JcclException aborted;
    private volatile boolean closed;

    private TcpTransport(TransportContext ctx) {
        this.rank = ctx.rank();
        this.size = ctx.size();
        this.jobId = ctx.jobId();
        this.secret = ctx.secret();
        this.eagerLimit = Configuration.intProperty(Configuration.PROP_TCP_EAGER_LIMIT, Configuration.DEFAULT_TCP_EAGER_LIMIT);
        this.earlyLimit = Configuration.longProperty(Configuration.PROP_TCP_UNEXPECTED_LIMIT,
                Configuration.DEFAULT_TCP_UNEXPECTED_LIMIT);
        this.timeoutNanos = ctx.timeout().toNanos();
        this.peers = new AtomicReferenceArray<>(size);
        this.ready = new CountDownLatch(size - 1);
        this.progress = new ProgressLoop("jccl-tcp-r" + rank);
    }

    /** Binds, publishes its address, connects to every peer, and returns once all handshakes are done. */
    static TcpTransport open(TransportContext ctx) {
        TcpTransport t = new TcpTransport(ctx);
        try {
            t.connectAll(ctx);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void connectAll(TransportContext ctx) {
        long deadline = System.nanoTime() + ctx.timeout().toNanos();
        InetAddress local = InterfaceAddress.choose(rank, ctx.socketInterface(), ctx.rendezvousHost());
        boolean epoll = Epoll.isAvailable();
        Class<? extends ServerChannel> serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap sb = new ServerBootstrap().group(progress.eventLoop()).channel(serverClass)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer(true, -1));
        try {
            server = sb.bind(new InetSocketAddress(local, 0)).sync().channel();
        } catch (Exception e) {
            throw new JcclException(rank, "connect", "cannot listen on " + local.getHostAddress() + ": " + e, e);
        }
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        byte[] addr = local.getAddress();
        byte[][] book = ctx.bootstrap().allGather(ByteBuffer.allocate(1 + addr.length + 4)
                .put((byte) addr.length).put(addr).putInt(port).array());
        Class<? extends SocketChannel> clientClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        for (int p = 0; p < rank; p++) {
            InetSocketAddress remote = decode(book[p]);
            connect(new Bootstrap().group(progress.eventLoop()).channel(clientClass).option(ChannelOption.TCP_NODELAY, true)
                    .handler(initializer(false, p)), remote, p, deadline);
        }
        try {
            while (!ready.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcclException(rank, "connect", "interrupted while connecting", e);
        }
        if (handshakeError != null) {
            throw new JcclException(rank, "connect", handshakeError);
        }
        if (ready.getCount() > 0) {
            List<Integer> missing = new ArrayList<>();
            for (int p = 0; p < size; p++) {
                if (p != rank && peers.get(p) == null) {
                    missing.add(p);
                }
            }
            throw new JcclException(rank, "connect", "timed out waiting for connections with ranks " + missing
                    + (refusal != null ? " (refused a connection: " + refusal + ")" : ""));
        }
    }

    private void connect(Bootstrap b, InetSocketAddress remote, int p, long deadline) {
        Throwable last = null;
        while (System.nanoTime() < deadline && handshakeError == null) {
            int left = (int) Math.max(1, Math.min(10_000, (deadline - System.nanoTime()) / 1_000_000));
            ChannelFuture f = b.clone().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, left).connect(remote)
                    .awaitUninterruptibly();
            if (f.isSuccess()) {
                return;
            }
            last = f.cause();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new JcclException(rank, "connect", "cannot connect to rank " + p + " at " + remote
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private ChannelInitializer<Channel> initializer(boolean acceptor, int expectedPeer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                PeerConnection c = new PeerConnection(TcpTransport.this, acceptor, expectedPeer);
                synchronized (all) {
                    all.add(c);
                }
                ch.config().setRecvByteBufAllocator(new PostedReceiveAllocator(c));
                ch.pipeline().addLast(c);
            }
        };
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

    // ---- called by connections ------------------------------------------------------------

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

    int eagerLimit() {
        return eagerLimit;
    }

    long earlyLimit() {
        return earlyLimit;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    void connected(PeerConnection c) {
        if (!peers.compareAndSet(c.peer(), null, c)) {
            c.fail(new JcclException(rank, "connect", "rank " + c.peer() + " connected twice"));
            c.channel().close();
            return;
        }
        ready.countDown();
    }

    void handshakeFailed(PeerConnection c, String why) {
        if (handshakeError == null && peers.get(c.peer()) == null && c.peer() >= 0 && c.peer() < rank) {
            handshakeError = "handshake with rank " + c.peer() + " failed: " + why;
        }
        c.channel().close();
    }

    void rejected(String why) {
        refusal = why;
    }

    void abortedBy(int peer, String why) {
        failAll(new JcclException(rank, "transport", "rank " + peer + " reported a failure: " + why));
    }

    /** A reason short enough for a control frame. */
    private static String truncate(String why) {
        return why.length() > Frame.MAX_CONTROL_PAYLOAD / 4 ? why.substring(0, Frame.MAX_CONTROL_PAYLOAD / 4) + "..." : why;
    }

    // ---- SPI ------------------------------------------------------------------------------

    @Override
    public Progress progress() {
        return progress;
    }

    @Override
    public void send(int peer, long tag, ByteBuffer buf, Completion done) {
        Operation op = new Operation(tag, buf, done);
        PeerConnection c = connection(peer, op);
        if (c != null) {
            c.send(op);
        }
    }

    @Override
    public void recv(int peer, long tag, ByteBuffer buf, Completion done) {
        Operation op = new Operation(tag, buf, done);
        PeerConnection c = connection(peer, op);
        if (c != null) {
            c.recv(op);
        }
    }

    private PeerConnection connection(int peer, Operation op) {
        JcclException a = aborted;
        if (a != null) {
            op.fail(a);
            return null;
        }
        if (closed) {
            op.fail(new JcclException(rank, "transport", "the transport is closed"));
            return null;
        }
        return peers.get(peer);
    }

    @Override
    public void abort(JcclException cause) {
        if (aborted != null) {
            return;
        }
        for (int p = 0; p < size; p++) {
            PeerConnection c = peers.get(p);
            if (c != null) {
                c.sendAbort(truncate(cause.getMessage()));
            }
        }
        failAll(cause);
    }

    private void failAll(JcclException cause) {
        synchronized (this) {
            if (aborted != null) {
                return;
            }
            aborted = cause;
        }
        for (int p = 0; p < size; p++) {
            PeerConnection c = peers.get(p);
            if (c != null) {
                c.fail(cause);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ChannelFuture> goodbyes = new ArrayList<>();
        JcclException broken = aborted;
        String why = broken == null ? "" : truncate(broken.getMessage());
        for (int p = 0; p < size; p++) {
            PeerConnection c = peers.get(p);
            if (c != null && c.channel().isActive()) {
                goodbyes.add(c.sendGoodbye(why));
            }
        }
        for (ChannelFuture f : goodbyes) {
            f.awaitUninterruptibly(1000);
        }
        JcclException gone = new JcclException(rank, "transport", "the transport is closed");
        List<PeerConnection> conns;
        synchronized (all) {
            conns = new ArrayList<>(all);
        }
        for (PeerConnection c : conns) {
            c.fail(gone);
            if (c.channel() != null) {
                c.channel().close().awaitUninterruptibly(1000);
            }
        }
        if (server != null) {
            server.close().awaitUninterruptibly(1000);
        }
        progress.shutdown();
    }
}
