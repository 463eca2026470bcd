package org.jccl.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jccl.JcclException;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.SecretProof;

/**
 * One TCP connection to one peer, on a non-blocking socket: the handshake, the frame decoder, the
 * matching of messages to receives (FIFO per tag) and the queue of frames still to write. Only the
 * thread driving the transport ({@link SocketDriver}) touches it, so nothing here locks.
 *
 * <p>Reading: bytes go through a 64 KiB buffer and are parsed from there, except the rest of a
 * payload of at least {@link #DIRECT_READ_MIN} bytes whose receive is posted, which the kernel
 * copies straight into the receive window. Writing: a frame is written at once with a gathering
 * write of its header and the sender's window; what the socket does not take waits in the queue
 * until the socket is writable, and a send completes when its last byte is written.
 */
final class PeerConnection {
    private static final String PURPOSE = "jccl-tcp";
    /** Payloads at least this long are read straight into the posted receive window. */
    private static final int DIRECT_READ_MIN = 8 * 1024;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Frames one gathering write takes at most. */
    private static final int GATHER = 16;

    private enum State { HEADER, TO_RECEIVE, TO_EARLY, DISCARD, CONTROL }

    /** A message that arrived before its receive: an eager payload (possibly still arriving) or an RTS. */
    private static final class Early {
        final boolean announced;
        final int length;
        final long check;
        final ByteBuffer data;
        boolean complete;
        Operation adopter;

        Early(boolean announced, int length, long check, ByteBuffer data) {
            this.announced = announced;
            this.length = length;
            this.check = check;
            this.data = data;
        }
    }

    /** A frame waiting to be written: a header, an optional payload, the send to complete after it. */
    private record Outgoing(ByteBuffer header, ByteBuffer payload, Operation op) {
        boolean written() {
            return !header.hasRemaining() && (payload == null || !payload.hasRemaining());
        }
    }

    private final TcpTransport transport;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final boolean acceptor;
    private final long handshakeDeadline;
    private int peer;
    private boolean open;
    private boolean closed;

    private final Map<Long, ArrayDeque<Operation>> posted = new HashMap<>();
    private final Map<Long, ArrayDeque<Early>> early = new HashMap<>();
    private final Map<Long, ArrayDeque<Operation>> awaitingData = new HashMap<>();
    private final Map<Long, ArrayDeque<Operation>> awaitingCts = new HashMap<>();
    private long earlyBytes;
    private boolean readPaused;
    private JcclException failure;
    /** After the peer left: only messages that already arrived can still be received. */
    private boolean arrivedOnly;

    private final ArrayDeque<Outgoing> out = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[2 * GATHER];

    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES).flip();
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES);
    private State state = State.HEADER;
    private long payloadLeft;
    private Operation target;
    private int targetFilled;
    private Early earlyTarget;
    private ByteBuffer control;
    private byte controlType;
    private byte[] nonce;

    PeerConnection(TcpTransport transport, SocketChannel channel, SelectionKey key, boolean acceptor, int expectedPeer,
                   long handshakeDeadline) {
        this.transport = transport;
        this.channel = channel;
        this.key = key;
        this.acceptor = acceptor;
        this.peer = expectedPeer;
        this.handshakeDeadline = handshakeDeadline;
        key.attach(this);
        if (acceptor) {
            nonce = SecretProof.nonce();
            writeControl(Frame.CHALLENGE, ByteBuffer.allocate(28).putLong(transport.jobId()).putInt(transport.rank())
                    .put(nonce).array());
        }
    }

    int peer() {
        return peer;
    }

    boolean isOpen() {
        return open && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    /** True when the handshake has not finished by its deadline. */
    boolean handshakeExpired(long now) {
        return !open && !closed && now - handshakeDeadline >= 0;
    }

    long handshakeDeadline() {
        return handshakeDeadline;
    }

    boolean hasOutput() {
        return !out.isEmpty();
    }

    // ---- posting ----------------------------------------------------------------------------

    void send(Operation op) {
        if (failure != null) {
            op.fail(failure);
        } else if (op.length <= transport.eagerLimit()) {
            write(Frame.header(Frame.EAGER, op.tag, op.length, op.check), op.length == 0 ? null : op.window, op);
        } else {
            queue(awaitingCts, op.tag).add(op);
            write(Frame.header(Frame.RTS, op.tag, op.length, op.check), null, null);
        }
    }

    void recv(Operation op) {
        if (failure != null && !arrivedOnly) {
            op.fail(failure);
            return;
        }
        Early e = poll(early, op.tag);
        if (e == null) {
            if (failure != null) {
                op.fail(failure);
            } else {
                queue(posted, op.tag).add(op);
            }
            return;
        }
        JcclException wrong = wrong(e.check, e.length, op);
        if (wrong != null) {
            if (!e.announced) {
                if (e.complete) {
                    releaseEarly(e);
                } else {
                    e.adopter = op; // fails once the rest of it is read past
                    return;
                }
            }
            op.fail(wrong);
        } else if (e.announced) {
            queue(awaitingData, op.tag).add(op);
            write(Frame.header(Frame.CTS, op.tag, 0, 0), null, null);
        } else if (!e.complete) {
            e.adopter = op;
        } else {
            releaseEarly(e);
            op.window.put(0, e.data, 0, e.length);
            op.succeed();
        }
    }

    // ---- writing ----------------------------------------------------------------------------

    private void write(ByteBuffer h, ByteBuffer payload, Operation op) {
        if (closed) {
            if (op != null) {
                op.fail(failure != null ? failure : gone("the connection is closed"));
            }
            return;
        }
        out.add(new Outgoing(h, payload, op));
        if (out.size() == 1) {
            flush();
            if (!out.isEmpty()) {
                transport.outputPending(1);
            }
        }
    }

    private void writeControl(byte type, byte[] payload) {
        write(Frame.control(type, payload), null, null);
    }

    /** The socket is writable again: writes what it takes of the queue. */
    void writable() {
        flush();
        if (out.isEmpty()) {
            transport.outputPending(-1);
        }
    }

    /** Writes what the socket takes of the queue; completes the sends written whole. */
    private void flush() {
        try {
            while (!out.isEmpty()) {
                int n = 0;
                for (Outgoing o : out) {
                    if (n + 2 > gather.length) {
                        break;
                    }
                    gather[n++] = o.header;
                    if (o.payload != null) {
                        gather[n++] = o.payload;
                    }
                }
                long wrote = channel.write(gather, 0, n);
                java.util.Arrays.fill(gather, 0, n, null);
                boolean progressed = false;
                while (!out.isEmpty() && out.peek().written()) {
                    Outgoing o = out.poll();
                    progressed = true;
                    if (o.op != null) {
                        o.op.succeed();
                    }
                }
                if (!progressed && wrote == 0) {
                    break; // the socket buffer is full: wait until it is writable
                }
            }
        } catch (IOException e) {
            lost(e);
            return;
        }
        interest();
    }

    private void interest() {
        if (key.isValid()) {
            key.interestOps((readPaused ? 0 : SelectionKey.OP_READ) | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /** Reads and handles whatever the socket has. */
    void readable() {
        try {
            // a read that returns less than it asked for emptied the socket: stop there rather than
            // pay a system call to hear so (the selector reports the socket again when more comes)
            boolean drained = false;
            while (!closed && !readPaused && !drained) {
                if (state == State.TO_RECEIVE && !in.hasRemaining() && payloadLeft >= DIRECT_READ_MIN) {
                    int want = (int) payloadLeft;
                    int n = channel.read(target.window.slice(targetFilled, want));
                    if (n < 0) {
                        endOfStream();
                        return;
                    }
                    drained = n < want;
                    targetFilled += n;
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        finishTarget();
                    }
                    continue;
                }
                if (!in.hasRemaining()) {
                    in.clear();
                    int n = channel.read(in);
                    in.flip();
                    if (n < 0) {
                        endOfStream();
                        return;
                    }
                    drained = n < in.capacity();
                }
                while (in.hasRemaining() && !closed) {
                    step();
                }
            }
        } catch (ProtocolError e) {
            protocolError(e.getMessage());
        } catch (IOException e) {
            lost(e);
        }
    }

    private void step() {
        switch (state) {
            case HEADER -> {
                int n = Math.min(header.remaining(), in.remaining());
                header.put(header.position(), in, in.position(), n).position(header.position() + n);
                in.position(in.position() + n);
                if (!header.hasRemaining()) {
                    header.flip();
                    onHeader();
                }
            }
            case TO_RECEIVE -> {
                int n = (int) Math.min(payloadLeft, in.remaining());
                target.window.put(targetFilled, in, in.position(), n);
                in.position(in.position() + n);
                targetFilled += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    finishTarget();
                }
            }
            case TO_EARLY -> {
                int n = (int) Math.min(payloadLeft, in.remaining());
                earlyTarget.data.put(earlyTarget.length - (int) payloadLeft, in, in.position(), n);
                in.position(in.position() + n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    finishEarly();
                }
            }
            case DISCARD -> {
                int n = (int) Math.min(payloadLeft, in.remaining());
                in.position(in.position() + n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    state = State.HEADER;
                }
            }
            case CONTROL -> {
                int n = (int) Math.min(payloadLeft, in.remaining());
                control.put(control.position(), in, in.position(), n).position(control.position() + n);
                in.position(in.position() + n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    state = State.HEADER;
                    onControl(controlType, control.flip());
                }
            }
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private void onHeader() {
        int magic = header.getInt();
        byte version = header.get();
        byte type = header.get();
        short flags = header.getShort();
        long tag = header.getLong();
        long length = header.getLong();
        long check = header.getLong();
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
                onEager(tag, (int) length, check);
            }
            case Frame.RTS -> {
                if (length > Integer.MAX_VALUE) {
                    throw new ProtocolError("RTS for " + length + " B exceeds the 2 GiB message limit");
                }
                onRts(tag, (int) length, check);
            }
            case Frame.CTS -> onCts(tag);
            case Frame.DATA -> onData(tag, length);
            case Frame.CHALLENGE, Frame.HELLO, Frame.ABORT, Frame.GOODBYE -> {
                if (length > Frame.MAX_CONTROL_PAYLOAD) {
                    throw new ProtocolError(Frame.typeName(type) + " payload of " + length + " B is too long");
                }
                controlType = type;
                control = ByteBuffer.allocate((int) length);
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

    private void onEager(long tag, int length, long check) {
        if (failure != null) {
            discard(length);
            return;
        }
        Operation op = poll(posted, tag);
        if (op == null) {
            Early e = new Early(false, length, check, ByteBuffer.allocate(length));
            queue(early, tag).add(e);
            earlyBytes += length;
            if (earlyBytes > transport.earlyLimit()) {
                readPaused = true; // back-pressure until receives drain the early bytes
                interest();
            }
            earlyTarget = e;
            payloadLeft = length;
            state = State.TO_EARLY;
            if (length == 0) {
                finishEarly();
            }
            return;
        }
        JcclException wrong = wrong(check, length, op);
        if (wrong != null) {
            op.fail(wrong);
            discard(length);
            return;
        }
        startTarget(op, length);
    }

    private void onRts(long tag, int length, long check) {
        if (failure != null) {
            return;
        }
        Operation op = poll(posted, tag);
        JcclException wrong = op == null ? null : wrong(check, length, op);
        if (op == null) {
            queue(early, tag).add(new Early(true, length, check, null));
        } else if (wrong != null) {
            op.fail(wrong);
        } else {
            queue(awaitingData, tag).add(op);
            write(Frame.header(Frame.CTS, tag, 0, 0), null, null);
        }
    }

    private void onCts(long tag) {
        if (failure != null) {
            return;
        }
        Operation op = poll(awaitingCts, tag);
        if (op == null) {
            throw new ProtocolError("CTS for a tag this rank never announced");
        }
        write(Frame.header(Frame.DATA, op.tag, op.length, 0), op.window, op);
    }

    private void onData(long tag, long length) {
        if (failure != null) {
            discard(length);
            return;
        }
        Operation op = poll(awaitingData, tag);
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
        e.complete = true;
        Operation adopter = e.adopter;
        if (adopter == null) {
            return;
        }
        releaseEarly(e);
        JcclException wrong = wrong(e.check, e.length, adopter);
        if (wrong != null) {
            adopter.fail(wrong);
        } else {
            adopter.window.put(0, e.data, 0, e.length);
            adopter.succeed();
        }
    }

    /** Accounts for an early eager message leaving the queue. */
    private void releaseEarly(Early e) {
        earlyBytes -= e.length;
        if (readPaused && earlyBytes <= transport.earlyLimit() / 2) {
            readPaused = false;
            interest(); // the selector reports what the kernel holds meanwhile
        }
    }

    private void discard(long length) {
        payloadLeft = length;
        state = length == 0 ? State.HEADER : State.DISCARD;
    }

    private void onControl(byte type, ByteBuffer c) {
        switch (type) {
            case Frame.CHALLENGE -> {
                if (acceptor || open || c.remaining() != 12 + SecretProof.NONCE_BYTES) {
                    throw new ProtocolError("unexpected CHALLENGE");
                }
                long job = c.getLong();
                int rank = c.getInt();
                byte[] n = new byte[SecretProof.NONCE_BYTES];
                c.get(n);
                if (job != transport.jobId()) {
                    transport.handshakeFailed(this, "the process at " + remote()
                            + " belongs to another job (a stale rank, or a port reused by another job)");
                    return;
                }
                if (rank != peer) {
                    transport.handshakeFailed(this, remote() + " is rank " + rank + ", not rank " + peer);
                    return;
                }
                writeControl(Frame.HELLO, ByteBuffer.allocate(12 + SecretProof.PROOF_BYTES).putLong(transport.jobId())
                        .putInt(transport.rank()).put(SecretProof.prove(transport.secret(), PURPOSE, n)).array());
            }
            case Frame.HELLO -> {
                if (!acceptor || open || c.remaining() != 12 + SecretProof.PROOF_BYTES) {
                    throw new ProtocolError("unexpected HELLO");
                }
                long job = c.getLong();
                int rank = c.getInt();
                byte[] proof = new byte[SecretProof.PROOF_BYTES];
                c.get(proof);
                String refusal = null;
                if (job != transport.jobId()) {
                    refusal = "job id mismatch: the connecting process belongs to another job";
                } else if (!SecretProof.verify(transport.secret(), PURPOSE, nonce, proof)) {
                    refusal = "rank " + rank + " did not prove JCCL_SECRET (the ranks' secrets differ)";
                } else if (rank <= transport.rank() || rank >= transport.size()) {
                    refusal = "rank " + rank + " may not connect to rank " + transport.rank();
                }
                if (refusal != null) {
                    writeControl(Frame.ABORT, refusal.getBytes(StandardCharsets.UTF_8));
                    transport.rejected(refusal);
                    close(); // a fresh socket takes the small refusal whole: it was written, not queued
                    return;
                }
                peer = rank;
                open = true;
                writeControl(Frame.WELCOME, new byte[0]);
                transport.connected(this);
            }
            case Frame.GOODBYE -> {
                String why = StandardCharsets.UTF_8.decode(c).toString();
                peerGone(gone("rank " + peer + " closed its communicator"
                        + (why.isEmpty() ? "" : " after its job broke: " + why)));
            }
            case Frame.ABORT -> {
                String why = StandardCharsets.UTF_8.decode(c).toString();
                if (!open) {
                    transport.handshakeFailed(this, why);
                } else {
                    transport.abortedBy(peer, why);
                }
            }
            default -> throw new ProtocolError("unexpected control frame " + Frame.typeName(type));
        }
    }

    private String remote() {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "the peer";
        }
    }

    // ---- failure and closing ------------------------------------------------------------------

    private static final class ProtocolError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProtocolError(String message) {
            super(message, null, false, false);
        }
    }

    private JcclException gone(String why) {
        return new JcclException(transport.rank(), "transport", why);
    }

    private void protocolError(String why) {
        fail(gone("rank " + peer + " sent a malformed frame: " + why + "; connection closed"));
        if (!open) {
            transport.handshakeFailed(this, "malformed frame: " + why);
        }
        close();
    }

    private void endOfStream() {
        peerGone(gone("lost the connection to rank " + peer + " (did it exit or crash?)"));
        if (!open) {
            transport.handshakeFailed(this, "connection closed during the handshake");
        }
        close();
    }

    private void lost(IOException e) {
        peerGone(gone("connection to rank " + peer + " failed: " + e));
        if (!open) {
            transport.handshakeFailed(this, "connection failed during the handshake: " + e.getMessage());
        }
        close();
    }

    /** Writes an ABORT frame carrying {@code why}; the peer fails everything it has pending. */
    void sendAbort(String why) {
        if (isOpen()) {
            writeControl(Frame.ABORT, why.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Tells the peer this rank closes, and why its job broke if it did (empty when it did not). */
    void sendGoodbye(String brokenBy) {
        if (isOpen()) {
            writeControl(Frame.GOODBYE, brokenBy.getBytes(StandardCharsets.UTF_8));
        }
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
    private void peerGone(JcclException cause) {
        fail(cause, true);
    }

    private void fail(JcclException cause, boolean keepArrived) {
        if (failure != null) {
            return;
        }
        failure = cause;
        List<Operation> failed = new ArrayList<>();
        posted.values().forEach(failed::addAll);
        awaitingData.values().forEach(failed::addAll);
        awaitingCts.values().forEach(failed::addAll);
        posted.clear();
        awaitingData.clear();
        awaitingCts.clear();
        for (ArrayDeque<Early> q : early.values()) {
            q.removeIf(e -> {
                boolean drop = !keepArrived || e.announced || !e.complete;
                if (drop && e.adopter != null) {
                    failed.add(e.adopter);
                }
                return drop;
            });
        }
        arrivedOnly = keepArrived;
        if (target != null) {
            failed.add(target);
            target = null;
            discard(payloadLeft);
        }
        for (Outgoing o : out) {
            if (o.op != null && !keepArrived) {
                failed.add(o.op);
            }
        }
        if (readPaused) {
            readPaused = false;
            interest();
        }
        failed.forEach(op -> op.fail(cause));
    }

    /** Closes the socket; sends still queued fail. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!out.isEmpty()) {
            transport.outputPending(-1);
        }
        JcclException why = failure != null ? failure : gone("the connection to rank " + peer + " is closed");
        for (Outgoing o : out) {
            if (o.op != null) {
                o.op.fail(why);
            }
        }
        out.clear();
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing more to learn
        }
    }

    /** Why a message of {@code length} bytes with {@code check} cannot complete {@code op}, or null when it can. */
    private JcclException wrong(long check, int length, Operation op) {
        if (check != op.check) {
            return new CheckMismatch(transport.rank(), peer, op.check, check); // says more than a length would
        }
        return length != op.length ? mismatch(length, op.length) : null;
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
        if (q == null) {
            return null;
        }
        T t = q.poll();
        if (q.isEmpty()) {
            m.remove(tag); // every collective has a tag of its own: keep the maps small
        }
        return t;
    }
}
