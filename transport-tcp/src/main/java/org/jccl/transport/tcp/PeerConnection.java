package org.jccl.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jccl.JcclException;
import org.jccl.spi.ConnectionEvent;
import org.jccl.spi.SecretProof;
import org.jccl.spi.TlsIdentity;

/**
 * One TCP connection to one peer, on a non-blocking socket: the handshake, the frame decoder and
 * the queue of frames still to write; which receive a message belongs to is its
 * {@link MessageMatcher}'s business. Only the thread driving the transport ({@link SocketDriver})
 * touches it, so nothing here locks.
 *
 * <p>Reading: bytes go through a 64 KiB buffer and are parsed from there, except the rest of a
 * payload of at least {@link #DIRECT_READ_MIN} bytes whose receive is posted, which the kernel
 * copies straight into the receive window. Writing: a frame goes to the socket at once
 * ({@link FrameQueue}); what the socket does not take waits until it is writable.
 */
final class PeerConnection implements MessageMatcher.Wire {
    private static final String PURPOSE = "jccl-tcp";
    /** Payloads at least this long are read straight into the posted receive window. */
    private static final int DIRECT_READ_MIN = 8 * 1024;
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private enum State { HEADER, TO_RECEIVE, TO_EARLY, DISCARD, CONTROL }

    private final TcpTransport transport;
    private final SocketChannel channel;
    /** The byte stream over the socket: the socket itself, or TLS. */
    private final Wire wire;
    /** Whether the transport counts this connection among those with output waiting. */
    private boolean outputCounted;
    private final SelectionKey key;
    private final boolean acceptor;
    private final long handshakeDeadline;
    private final MessageMatcher matcher;
    private int peer;
    /** The connection's flight-recorder event, ended when the handshake is done; null while recording is off. */
    private final ConnectionEvent event;
    private boolean open;
    private boolean closed;
    private boolean readPaused;
    private boolean reading;
    /** A write that failed while a read was under way: reported once the read is done. */
    private IOException writeFailure;

    private final FrameQueue out = new FrameQueue();

    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES).flip();
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES);
    private State state = State.HEADER;
    private long payloadLeft;
    private Operation target;
    private int targetFilled;
    private MessageMatcher.Early earlyTarget;
    private ByteBuffer control;
    private byte controlType;
    private byte[] nonce;

    PeerConnection(TcpTransport transport, SocketChannel channel, Wire wire, SelectionKey key, boolean acceptor,
                   int expectedPeer, long handshakeDeadline) {
        this.transport = transport;
        this.channel = channel;
        this.wire = wire;
        this.key = key;
        this.acceptor = acceptor;
        this.peer = expectedPeer;
        this.handshakeDeadline = handshakeDeadline;
        this.event = ConnectionEvent.begin("tcp", transport.rank(), expectedPeer);
        this.matcher = new MessageMatcher(this, transport.rank(), transport.eagerLimit(), transport.earlyLimit());
        matcher.peer(expectedPeer);
        key.attach(this);
        if (acceptor) {
            nonce = SecretProof.nonce();
            writeControl(Frame.CHALLENGE, ByteBuffer.allocate(28).putLong(transport.jobId()).putInt(transport.rank())
                    .put(nonce).array());
        } else if (!wire.acceptsData()) {
            flush(); // TLS: the connecting side speaks first, with its hello
        }
    }

    /** Records the connection's flight-recorder event, now that the handshake is done. */
    void recordConnected() {
        if (event != null) {
            ConnectionEvent.connected(event, peer, String.valueOf(channel.socket().getLocalSocketAddress()),
                    String.valueOf(channel.socket().getRemoteSocketAddress()));
        }
    }

    int peer() {
        return peer;
    }

    SocketChannel channel() {
        return channel;
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

    void send(Operation op) {
        matcher.send(op);
    }

    void recv(Operation op) {
        matcher.recv(op);
    }

    // ---- writing ----------------------------------------------------------------------------

    @Override
    public void write(ByteBuffer h, ByteBuffer payload, Operation op) {
        if (closed) {
            if (op != null) {
                JcclException f = matcher.failure();
                op.fail(f != null ? f : gone("the connection to rank " + peer + " is closed"));
            }
            return;
        }
        if (out.add(h, payload, op)) {
            flush();
        }
    }

    private void writeControl(byte type, byte[] payload) {
        write(Frame.control(type, payload), null, null);
    }

    /** The socket is writable again: writes what it takes of the queue. */
    void writable() {
        flush();
    }

    /** Writes what the socket takes of the queue, and tells the transport whether output still waits. */
    private void flush() {
        try {
            if (wire.flush() && wire.acceptsData()) {
                out.writeTo(wire);
            }
        } catch (IOException e) {
            writeFailed(e);
            return;
        }
        boolean waits = !out.isEmpty() || wire.hasPendingOutput();
        if (waits != outputCounted && !closed) {
            outputCounted = waits;
            transport.outputPending(waits ? 1 : -1);
        }
        interest();
    }

    private void interest() {
        if (key.isValid()) {
            boolean write = wire.hasPendingOutput() || !out.isEmpty() && wire.acceptsData();
            key.interestOps((readPaused ? 0 : SelectionKey.OP_READ) | (write ? SelectionKey.OP_WRITE : 0));
        }
    }

    @Override
    public void pauseReading(boolean pause) {
        readPaused = pause;
        interest(); // resumed: the selector reports what the kernel holds meanwhile
    }

    // ---- reading ----------------------------------------------------------------------------

    /** Reads and handles whatever the socket has. */
    void readable() {
        reading = true;
        boolean couldWrite = wire.acceptsData();
        try {
            read();
        } finally {
            reading = false;
        }
        if (writeFailure != null && !closed) {
            lost(writeFailure);
        } else if (!closed && (wire.hasPendingOutput() || couldWrite != wire.acceptsData())) {
            // TLS answered the peer, or its handshake just ended: what waited goes out now
            flush();
        }
    }

    private void read() {
        try {
            // a read that returns less than it asked for emptied the socket: stop there rather than
            // pay a system call to hear so (the selector reports the socket again when more comes)
            boolean drained = false;
            while (!closed && !readPaused && !drained) {
                if (state == State.TO_RECEIVE && !in.hasRemaining() && payloadLeft >= DIRECT_READ_MIN) {
                    int want = (int) payloadLeft;
                    int n = wire.read(target.window.slice(targetFilled, want));
                    if (n < 0) {
                        endOfStream();
                        return;
                    }
                    drained = n < want && !wire.hasBufferedInput();
                    targetFilled += n;
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        finishTarget();
                    }
                    continue;
                }
                if (!in.hasRemaining()) {
                    in.clear();
                    int n = wire.read(in);
                    in.flip();
                    if (n < 0) {
                        endOfStream();
                        return;
                    }
                    drained = n < in.capacity() && !wire.hasBufferedInput();
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

    /** Takes what the current state wants of the read buffer. */
    private void step() {
        if (state == State.HEADER) {
            int n = Math.min(header.remaining(), in.remaining());
            header.put(header.position(), in, in.position(), n).position(header.position() + n);
            in.position(in.position() + n);
            if (!header.hasRemaining()) {
                header.flip();
                onHeader();
            }
            return;
        }
        int n = (int) Math.min(payloadLeft, in.remaining());
        switch (state) {
            case TO_RECEIVE -> target.window.put(targetFilled, in, in.position(), n);
            case TO_EARLY -> earlyTarget.data.put(earlyTarget.length - (int) payloadLeft, in, in.position(), n);
            case CONTROL -> control.put(control.position(), in, in.position(), n).position(control.position() + n);
            default -> { } // DISCARD
        }
        in.position(in.position() + n);
        targetFilled += state == State.TO_RECEIVE ? n : 0;
        payloadLeft -= n;
        if (payloadLeft == 0) {
            finishPayload();
        }
    }

    /** The payload the state was reading is whole. */
    private void finishPayload() {
        State was = state;
        state = State.HEADER;
        switch (was) {
            case TO_RECEIVE -> finishTarget();
            case TO_EARLY -> {
                MessageMatcher.Early e = earlyTarget;
                earlyTarget = null;
                matcher.arrived(e);
            }
            case CONTROL -> {
                ByteBuffer c = control;
                control = null;
                onControl(controlType, c.flip());
            }
            default -> { } // DISCARD
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
        if (magic >>> 24 == TlsIdentity.HANDSHAKE_RECORD && !open) {
            throw new ProtocolError("the peer speaks TLS and this rank does not: set JCCL_TLS_CERT, JCCL_TLS_KEY and"
                    + " JCCL_TLS_CA on every rank or on none");
        }
        if (magic != Frame.MAGIC) {
            throw new ProtocolError("bad magic 0x" + Integer.toHexString(magic) + " (not a jccl peer?)");
        }
        if (version != Frame.VERSION) {
            throw new ProtocolError("protocol version " + version + ", this rank speaks " + Frame.VERSION);
        }
        if (flags != 0 || length < 0) {
            throw new ProtocolError("malformed " + Frame.typeName(type) + " header");
        }
        if (!open && type != Frame.CHALLENGE && type != Frame.HELLO && type != Frame.WELCOME && type != Frame.ABORT
                && type != Frame.DECLINE) {
            throw new ProtocolError(Frame.typeName(type) + " before the handshake finished");
        }
        switch (type) {
            case Frame.EAGER -> {
                if (length > transport.eagerLimit()) {
                    throw new ProtocolError("EAGER frame of " + length + " B exceeds the eager limit of "
                            + transport.eagerLimit() + " B (do all ranks use the same jccl.tcp.eagerLimit?)");
                }
                matcher.onEager(tag, (int) length, check);
            }
            case Frame.RTS -> {
                if (length > Integer.MAX_VALUE) {
                    throw new ProtocolError("RTS for " + length + " B exceeds the 2 GiB message limit");
                }
                matcher.onRts(tag, (int) length, check);
            }
            case Frame.CTS -> {
                if (!matcher.onCts(tag)) {
                    throw new ProtocolError("CTS for a tag this rank never announced");
                }
            }
            case Frame.DATA -> {
                String wrong = matcher.onData(tag, length);
                if (wrong != null) {
                    throw new ProtocolError(wrong);
                }
            }
            case Frame.CHALLENGE, Frame.HELLO, Frame.ABORT, Frame.GOODBYE -> {
                if (length > Frame.MAX_CONTROL_PAYLOAD) {
                    throw new ProtocolError(Frame.typeName(type) + " payload of " + length + " B is too long");
                }
                controlType = type;
                control = ByteBuffer.allocate((int) length);
                expect(State.CONTROL, length);
            }
            case Frame.WELCOME -> {
                if (acceptor || open) {
                    throw new ProtocolError("unexpected WELCOME");
                }
                open = true;
                transport.connected(this);
            }
            case Frame.DECLINE -> {
                if (acceptor || open || length != 0) {
                    throw new ProtocolError("unexpected DECLINE");
                }
                transport.declined(this);
            }
            default -> throw new ProtocolError("unknown frame type " + type);
        }
    }

    /** The next {@code length} bytes are a payload for {@code s}. */
    private void expect(State s, long length) {
        state = s;
        payloadLeft = length;
        if (length == 0) {
            finishPayload();
        }
    }

    @Override
    public void receiveInto(Operation op, int length) {
        target = op;
        targetFilled = 0;
        expect(State.TO_RECEIVE, length);
    }

    @Override
    public void receiveEarly(MessageMatcher.Early e) {
        earlyTarget = e;
        expect(State.TO_EARLY, e.length);
    }

    @Override
    public void discard(long length) {
        expect(State.DISCARD, length);
    }

    private void finishTarget() {
        Operation op = target;
        target = null;
        state = State.HEADER;
        op.succeed();
    }

    /** A peer's reason as text for a message: control characters (a broken or hostile peer's bytes) become '?'. */
    private static String printable(ByteBuffer c) {
        return StandardCharsets.UTF_8.decode(c).toString().replaceAll("[\\p{Cntrl}\\uFFFD]", "?");
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
                if (!acceptor || open || nonce == null || c.remaining() != 12 + SecretProof.PROOF_BYTES) {
                    throw new ProtocolError("unexpected HELLO");
                }
                long job = c.getLong();
                int rank = c.getInt();
                byte[] proof = new byte[SecretProof.PROOF_BYTES];
                c.get(proof);
                byte[] challenge = nonce;
                nonce = null; // one HELLO per connection
                String refusal = null;
                OnDemandConnections.Admission admission = null;
                boolean ofThisJob = job == transport.jobId() && rank >= 0 && rank < transport.size()
                        && rank != transport.rank();
                if (!ofThisJob) {
                    refusal = job != transport.jobId() ? "job id mismatch: the connecting process belongs to another job"
                            : "rank " + rank + " is no peer of rank " + transport.rank();
                } else if (!SecretProof.verify(transport.secret(), PURPOSE, challenge, proof)) {
                    refusal = "rank " + rank + " did not prove JCCL_SECRET (the ranks' secrets differ)";
                } else if ((admission = transport.admit(rank)) == null) {
                    refusal = "rank " + rank + " connected twice";
                }
                if (refusal != null) {
                    writeControl(Frame.ABORT, refusal.getBytes(StandardCharsets.UTF_8));
                    transport.rejected(ofThisJob ? rank : -1, refusal);
                    close(); // a fresh socket takes the small refusal whole: it was written, not queued
                    return;
                }
                if (admission == OnDemandConnections.Admission.DECLINE) {
                    // the dialer closes on reading it; closing first could reset the line before it did
                    writeControl(Frame.DECLINE, new byte[0]);
                    return;
                }
                peer = rank;
                matcher.peer(rank);
                open = true;
                writeControl(Frame.WELCOME, new byte[0]);
                transport.connected(this);
            }
            case Frame.GOODBYE -> {
                String why = printable(c);
                peerGone(gone("rank " + peer + " closed its communicator"
                        + (why.isEmpty() ? "" : " after its job broke: " + why)));
            }
            case Frame.ABORT -> {
                String why = printable(c);
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

    /**
     * A write failed because the peer closed or reset the connection. What the peer sent before
     * that still counts and comes first: an ABORT or GOODBYE already in the socket says why it left,
     * which a broken pipe does not.
     */
    private void writeFailed(IOException e) {
        if (reading) {
            writeFailure = writeFailure == null ? e : writeFailure;
            return;
        }
        readable();
        if (!closed) {
            lost(e);
        }
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
        List<Operation> failed = matcher.fail(cause, keepArrived);
        if (target != null && state == State.TO_RECEIVE) {
            failed.add(target);
            target = null;
            discard(payloadLeft);
        }
        if (!keepArrived) {
            out.sends(failed);
        }
        failed.forEach(op -> op.fail(cause));
    }

    /** Closes the socket; sends still queued fail. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (outputCounted) {
            outputCounted = false;
            transport.outputPending(-1);
        }
        JcclException f = matcher.failure();
        out.clear(f != null ? f : gone("the connection to rank " + peer + " is closed"));
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing more to learn
        }
    }
}
