package org.jccl.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jccl.JcclException;
import org.jccl.spi.SecretProof;

/**
 * One TCP connection to one peer: the handshake, the frame decoder, and the matching of messages
 * to receives (FIFO per tag).
 *
 * <p>Matching state (posted receives, early messages, rendezvous queues) is guarded by this
 * object's monitor: user threads post receives and sends, the event loop delivers. Decoder state
 * belongs to the event loop alone. Payload bytes are copied outside the monitor: once a receive
 * is matched, only the event loop touches it.
 */
final class PeerConnection extends ChannelInboundHandlerAdapter implements PostedReceiveAllocator.Target {
    private static final String PURPOSE = "jccl-tcp";
    /** Payloads at least this long are read straight into a posted direct buffer. */
    private static final int DIRECT_READ_MIN = 8 * 1024;

    private enum State { HEADER, TO_RECEIVE, TO_EARLY, DISCARD, CONTROL }

    /** A message that arrived before its receive: an eager payload (possibly still arriving) or an RTS. */
    private static final class Early {
        final boolean announced;
        final int length;
        final ByteBuf data;
        boolean complete;
        Operation adopter;

        Early(boolean announced, int length, ByteBuf data) {
            this.announced = announced;
            this.length = length;
            this.data = data;
        }
    }

    private final TcpTransport transport;
    private final boolean acceptor;
    private volatile int peer;
    private Channel channel;

    private final Map<Long, ArrayDeque<Operation>> posted = new HashMap<>();
    private final Map<Long, ArrayDeque<Early>> early = new HashMap<>();
    private final Map<Long, ArrayDeque<Operation>> awaitingData = new HashMap<>();
    private final Map<Long, ArrayDeque<Operation>> awaitingCts = new HashMap<>();
    private long earlyBytes;
    private JcclException failure;
    /** After the peer left: only messages that already arrived can still be received. */
    private boolean arrivedOnly;

    private final ByteBuf header = Unpooled.buffer(Frame.HEADER_BYTES);
    private State state = State.HEADER;
    private long payloadLeft;
    private Operation target;
    private int targetFilled;
    private Early earlyTarget;
    private ByteBuf control;
    private byte controlType;
    private ByteBuf direct;
    private byte[] nonce;
    private boolean open;

    PeerConnection(TcpTransport transport, boolean acceptor, int expectedPeer) {
        this.transport = transport;
        this.acceptor = acceptor;
        this.peer = expectedPeer;
    }

    int peer() {
        return peer;
    }

    // ---- user side ------------------------------------------------------------------------

    void send(Operation op) {
        if (op.length <= transport.eagerLimit()) {
            synchronized (this) {
                if (failure != null) {
                    op.fail(failure);
                    return;
                }
            }
            writeMessage(Frame.EAGER, op);
            return;
        }
        synchronized (this) {
            if (failure != null) {
                op.fail(failure);
                return;
            }
            queue(awaitingCts, op.tag).add(op);
        }
        writeControl(Frame.RTS, op.tag, op.length);
    }

    void recv(Operation op) {
        Early e;
        synchronized (this) {
            if (failure != null && !arrivedOnly) {
                op.fail(failure);
                return;
            }
            e = poll(early, op.tag);
            if (e == null) {
                if (failure != null) {
                    op.fail(failure);
                } else {
                    queue(posted, op.tag).add(op);
                }
                return;
            }
            if (e.announced) {
                if (e.length == op.length) {
                    queue(awaitingData, op.tag).add(op);
                }
            } else if (!e.complete) {
                e.adopter = op;
                return;
            } else {
                releaseEarly(e);
            }
        }
        if (e.length != op.length) {
            op.fail(mismatch(e.length, op.length));
            if (!e.announced && e.data != null) {
                e.data.release();
            }
        } else if (e.announced) {
            writeControl(Frame.CTS, op.tag, 0);
        } else {
            deliverEarly(e, op);
        }
    }

    // ---- writing --------------------------------------------------------------------------

    private void writeMessage(byte type, Operation op) {
        Channel ch = channel;
        ByteBuf h = Frame.header(ch.alloc(), type, op.tag, op.length);
        ByteBuf payload = op.length == 0 ? null : Unpooled.wrappedBuffer(op.window);
        onLoop(() -> {
            ChannelPromise p = ch.newPromise();
            p.addListener(f -> {
                if (f.isSuccess()) {
                    op.succeed();
                } else {
                    op.fail(new JcclException(transport.rank(), "send", "writing to rank " + peer + " failed: "
                            + f.cause(), f.cause()));
                }
            });
            if (payload == null) {
                ch.writeAndFlush(h, p);
            } else {
                ch.write(h, ch.voidPromise());
                ch.writeAndFlush(payload, p);
            }
        });
    }

    private void writeControl(byte type, long tag, long length) {
        Channel ch = channel;
        ByteBuf h = Frame.header(ch.alloc(), type, tag, length);
        onLoop(() -> ch.writeAndFlush(h, ch.voidPromise()));
    }

    private ChannelFuture writeControl(byte type, byte[] payload) {
        Channel ch = channel;
        return ch.writeAndFlush(Frame.header(ch.alloc(), type, 0, payload.length).writeBytes(payload));
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    // ---- reading --------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (acceptor) {
            // a peer that does not finish the handshake in time (a stranger, a stuck process) is cut off
            ctx.executor().schedule(() -> {
                if (!open) {
                    ctx.close();
                }
            }, transport.timeoutNanos(), TimeUnit.NANOSECONDS);
            nonce = SecretProof.nonce();
            writeControl(Frame.CHALLENGE, ByteBuffer.allocate(28).putLong(transport.jobId()).putInt(transport.rank())
                    .put(nonce).array());
        }
    }

    @Override
    public ByteBuf directTarget() {
        if (state != State.TO_RECEIVE || payloadLeft < DIRECT_READ_MIN || !target.window.isDirect()) {
            return null;
        }
        direct = Unpooled.wrappedBuffer(target.window.slice(targetFilled, (int) payloadLeft)).clear();
        return direct;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (in == direct) {
                direct = null;
                int n = in.writerIndex();
                targetFilled += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    finishTarget();
                }
                return;
            }
            while (in.isReadable() && channel.isActive()) {
                step(in);
            }
        } catch (ProtocolError e) {
            protocolError(e.getMessage());
        } finally {
            in.release();
        }
    }

    private void step(ByteBuf in) {
        switch (state) {
            case HEADER -> {
                header.writeBytes(in, Math.min(Frame.HEADER_BYTES - header.readableBytes(), in.readableBytes()));
                if (header.readableBytes() == Frame.HEADER_BYTES) {
                    onHeader();
                }
            }
            case TO_RECEIVE -> {
                int n = (int) Math.min(payloadLeft, in.readableBytes());
                in.readBytes(target.window.slice(targetFilled, n));
                targetFilled += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    finishTarget();
                }
            }
            case TO_EARLY -> {
                int n = (int) Math.min(payloadLeft, in.readableBytes());
                in.readBytes(earlyTarget.data, n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    finishEarly();
                }
            }
            case DISCARD -> {
                int n = (int) Math.min(payloadLeft, in.readableBytes());
                in.skipBytes(n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    state = State.HEADER;
                }
            }
            case CONTROL -> {
                int n = (int) Math.min(payloadLeft, in.readableBytes());
                in.readBytes(control, n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    state = State.HEADER;
                    ByteBuf c = control;
                    control = null;
                    onControl(controlType, c);
                }
            }
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private void onHeader() {
        int magic = header.readInt();
        byte version = header.readByte();
        byte type = header.readByte();
        short flags = header.readShort();
        long tag = header.readLong();
        long length = header.readLong();
        header.clear();
        if (magic != Frame.MAGIC) {
            throw new ProtocolError("bad magic 0x" + Integer.toHexString(magic) + " (not a jccl peer?)");
        }
        if (version != Frame.VERSION) {
            throw new ProtocolError("protocol version " + version + ", this rank speaks " + Frame.VERSION);
        }
        if (flags != 0 || length < 0) {
            throw new ProtocolError("malformed " + Frame.typeName(type) + " header");
        }
        if (!open && type != Frame.CHALLENGE && type != Frame.HELLO && type != Frame.WELCOME && type != Frame.ABORT) {
            throw new ProtocolError(Frame.typeName(type) + " before the handshake finished");
        }
        switch (type) {
            case Frame.EAGER -> {
                if (length > transport.eagerLimit()) {
                    throw new ProtocolError("EAGER frame of " + length + " B exceeds the eager limit of "
                            + transport.eagerLimit() + " B (do all ranks use the same jccl.tcp.eagerLimit?)");
                }
                onEager(tag, (int) length);
            }
            case Frame.RTS -> {
                if (length > Integer.MAX_VALUE) {
                    throw new ProtocolError("RTS for " + length + " B exceeds the 2 GiB message limit");
                }
                onRts(tag, (int) length);
            }
            case Frame.CTS -> onCts(tag);
            case Frame.DATA -> onData(tag, length);
            case Frame.CHALLENGE, Frame.HELLO, Frame.ABORT, Frame.GOODBYE -> {
                if (length > Frame.MAX_CONTROL_PAYLOAD) {
                    throw new ProtocolError(Frame.typeName(type) + " payload of " + length + " B is too long");
                }
                controlType = type;
                control = Unpooled.buffer((int) length);
                payloadLeft = length;
                state = State.CONTROL;
                if (length == 0) {
                    state = State.HEADER;
                    onControl(type, control);
                }
            }
            case Frame.WELCOME -> {
                if (acceptor || open) {
                    throw new ProtocolError("unexpected WELCOME");
                }
                open = true;
                transport.connected(this);
            }
            default -> throw new ProtocolError("unknown frame type " + type);
        }
    }

    private void onEager(long tag, int length) {
        Operation op;
        synchronized (this) {
            if (failure != null) {
                discard(length);
                return;
            }
            op = poll(posted, tag);
            if (op == null) {
                Early e = new Early(false, length, channel.alloc().directBuffer(length));
                queue(early, tag).add(e);
                earlyBytes += length;
                if (earlyBytes > transport.earlyLimit()) {
                    channel.config().setAutoRead(false); // back-pressure until receives drain the early bytes
                }
                earlyTarget = e;
                payloadLeft = length;
                state = State.TO_EARLY;
                if (length == 0) {
                    finishEarly();
                }
                return;
            }
        }
        if (op.length != length) {
            op.fail(mismatch(length, op.length));
            discard(length);
            return;
        }
        startTarget(op, length);
    }

    private void onRts(long tag, int length) {
        Operation op;
        synchronized (this) {
            if (failure != null) {
                return;
            }
            op = poll(posted, tag);
            if (op == null) {
                queue(early, tag).add(new Early(true, length, null));
                return;
            }
            if (op.length == length) {
                queue(awaitingData, tag).add(op);
            }
        }
        if (op.length != length) {
            op.fail(mismatch(length, op.length));
            return;
        }
        writeControl(Frame.CTS, tag, 0);
    }

    private void onCts(long tag) {
        Operation op;
        synchronized (this) {
            if (failure != null) {
                return;
            }
            op = poll(awaitingCts, tag);
        }
        if (op == null) {
            throw new ProtocolError("CTS for a tag this rank never announced");
        }
        writeMessage(Frame.DATA, op);
    }

    private void onData(long tag, long length) {
        Operation op;
        synchronized (this) {
            if (failure != null) {
                discard(length);
                return;
            }
            op = poll(awaitingData, tag);
        }
        if (op == null) {
            throw new ProtocolError("DATA for a tag this rank never cleared");
        }
        if (op.length != length) {
            throw new ProtocolError("DATA of " + length + " B where RTS announced " + op.length + " B");
        }
        startTarget(op, (int) length);
    }

    private void startTarget(Operation op, int length) {
        target = op;
        targetFilled = 0;
        payloadLeft = length;
        state = State.TO_RECEIVE;
        if (length == 0) {
            finishTarget();
        }
    }

    private void finishTarget() {
        Operation op = target;
        target = null;
        state = State.HEADER;
        op.succeed();
    }

    private void finishEarly() {
        Early e = earlyTarget;
        earlyTarget = null;
        state = State.HEADER;
        Operation adopter;
        synchronized (this) {
            e.complete = true;
            adopter = e.adopter;
            if (adopter != null) {
                releaseEarly(e);
            } else if (failure != null) {
                e.data.release(); // failed while it arrived: nobody will ever take it
                return;
            }
        }
        if (adopter != null) {
            if (adopter.length != e.length) {
                adopter.fail(mismatch(e.length, adopter.length));
                e.data.release();
            } else {
                deliverEarly(e, adopter);
            }
        }
    }

    /** Accounts for an early message leaving the queue; caller holds the monitor. */
    private void releaseEarly(Early e) {
        earlyBytes -= e.length;
        if (earlyBytes <= transport.earlyLimit() / 2 && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    private void deliverEarly(Early e, Operation op) {
        e.data.readBytes(op.window.duplicate());
        e.data.release();
        op.succeed();
    }

    private void discard(long length) {
        payloadLeft = length;
        state = length == 0 ? State.HEADER : State.DISCARD;
    }

    private void onControl(byte type, ByteBuf c) {
        switch (type) {
            case Frame.CHALLENGE -> {
                long job = c.readLong();
                int rank = c.readInt();
                byte[] n = new byte[SecretProof.NONCE_BYTES];
                c.readBytes(n);
                if (acceptor || open) {
                    throw new ProtocolError("unexpected CHALLENGE");
                }
                if (job != transport.jobId()) {
                    transport.handshakeFailed(this, "the process at " + channel.remoteAddress()
                            + " belongs to another job (a stale rank, or a port reused by another job)");
                    return;
                }
                if (rank != peer) {
                    transport.handshakeFailed(this, channel.remoteAddress() + " is rank " + rank + ", not rank " + peer);
                    return;
                }
                writeControl(Frame.HELLO, ByteBuffer.allocate(12 + SecretProof.PROOF_BYTES).putLong(transport.jobId())
                        .putInt(transport.rank()).put(SecretProof.prove(transport.secret(), PURPOSE, n)).array());
            }
            case Frame.HELLO -> {
                long job = c.readLong();
                int rank = c.readInt();
                byte[] proof = new byte[SecretProof.PROOF_BYTES];
                c.readBytes(proof);
                if (!acceptor || open) {
                    throw new ProtocolError("unexpected HELLO");
                }
                String refusal = null;
                if (job != transport.jobId()) {
                    refusal = "job id mismatch: the connecting process belongs to another job";
                } else if (!SecretProof.verify(transport.secret(), PURPOSE, nonce, proof)) {
                    refusal = "rank " + rank + " did not prove JCCL_SECRET (the ranks' secrets differ)";
                } else if (rank <= transport.rank() || rank >= transport.size()) {
                    refusal = "rank " + rank + " may not connect to rank " + transport.rank();
                }
                if (refusal != null) {
                    String why = refusal;
                    writeControl(Frame.ABORT, why.getBytes(StandardCharsets.UTF_8)).addListener(f -> channel.close());
                    transport.rejected(why);
                    return;
                }
                peer = rank;
                open = true;
                writeControl(Frame.WELCOME, new byte[0]);
                transport.connected(this);
            }
            case Frame.GOODBYE -> {
                String why = c.toString(StandardCharsets.UTF_8);
                peerGone(new JcclException(transport.rank(), "transport", "rank " + peer + " closed its communicator"
                        + (why.isEmpty() ? "" : " after its job broke: " + why)));
            }
            case Frame.ABORT -> {
                String why = c.toString(StandardCharsets.UTF_8);
                if (!open) {
                    transport.handshakeFailed(this, why);
                } else {
                    transport.abortedBy(peer, why);
                }
            }
            default -> throw new ProtocolError("unexpected control frame " + Frame.typeName(type));
        }
    }

    // ---- failure --------------------------------------------------------------------------

    private static final class ProtocolError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProtocolError(String message) {
            super(message, null, false, false);
        }
    }

    private void protocolError(String why) {
        fail(new JcclException(transport.rank(), "transport", "rank " + peer + " sent a malformed frame: " + why
                + "; connection closed"));
        channel.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        peerGone(new JcclException(transport.rank(), "transport", "lost the connection to rank " + peer
                + " (did it exit or crash?)"));
        if (!open) {
            transport.handshakeFailed(this, "connection closed during the handshake");
        }
        header.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(new JcclException(transport.rank(), "transport", "connection to rank " + peer + " failed: " + cause, cause));
        ctx.close();
    }

    /** Writes an ABORT frame carrying {@code why}; the peer fails everything it has pending. */
    void sendAbort(String why) {
        if (open && channel.isActive()) {
            writeControl(Frame.ABORT, why.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Tells the peer this rank closes, and why its job broke if it did (empty when it did not). */
    ChannelFuture sendGoodbye(String brokenBy) {
        return writeControl(Frame.GOODBYE, brokenBy.getBytes(StandardCharsets.UTF_8));
    }

    Channel channel() {
        return channel;
    }

    /** Fails every pending operation of this connection with {@code cause}, once; later posts fail at once. */
    void fail(JcclException cause) {
        fail(cause, false);
    }

    /**
     * The peer will send nothing more (it closed in order, or its connection dropped): fails what can
     * no longer complete, but keeps whole messages that already arrived, so that a receive posted later
     * still gets them.
     */
    void peerGone(JcclException cause) {
        fail(cause, true);
    }

    private void fail(JcclException cause, boolean keepArrived) {
        List<Operation> failed = new ArrayList<>();
        List<Early> dropped = new ArrayList<>();
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
            posted.values().forEach(failed::addAll);
            awaitingData.values().forEach(failed::addAll);
            awaitingCts.values().forEach(failed::addAll);
            posted.clear();
            awaitingData.clear();
            awaitingCts.clear();
            for (ArrayDeque<Early> q : early.values()) {
                q.removeIf(e -> {
                    boolean drop = !keepArrived || e.announced || !e.complete;
                    if (drop) {
                        dropped.add(e);
                    }
                    return drop;
                });
            }
            arrivedOnly = keepArrived;
        }
        for (Early e : dropped) {
            if (e.adopter != null) {
                failed.add(e.adopter);
            }
            if (e.data != null && e.complete) {
                e.data.release();
            }
        }
        failed.forEach(op -> op.fail(cause));
        Channel ch = channel;
        if (ch != null) {
            onLoop(() -> {
                if (target != null) {
                    target.fail(cause);
                    target = null;
                    discard(payloadLeft);
                }
                ch.config().setAutoRead(true);
            });
        }
    }

    private JcclException mismatch(int message, int receive) {
        return new JcclException(transport.rank(), "recv", "message of " + message + " B from rank " + peer
                + " does not match the posted receive of " + receive + " B (do all ranks pass the same counts?)");
    }

    private static <T> ArrayDeque<T> queue(Map<Long, ArrayDeque<T>> m, long tag) {
        return m.computeIfAbsent(tag, t -> new ArrayDeque<>());
    }

    /** The oldest entry queued under {@code tag}, removed, or null. */
    private static <T> T poll(Map<Long, ArrayDeque<T>> m, long tag) {
        ArrayDeque<T> q = m.get(tag);
        return q == null ? null : q.poll();
    }
}
