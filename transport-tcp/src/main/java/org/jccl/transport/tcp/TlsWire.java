package org.jccl.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import org.jccl.spi.TlsIdentity;

/**
 * TLS over a non-blocking socket, with an {@link SSLEngine}, OpenSSL's or the JDK's
 * ({@link TlsEngines}): what Netty's SslHandler does, without a pipeline, so that any thread that
 * drives the transport can drive it. The handshake runs
 * inside the reads and writes the connection makes anyway; until it is done, writes take nothing
 * and reads return nothing.
 *
 * <p>Three buffers: ciphertext read and not yet decrypted, plaintext decrypted and not yet handed
 * out, ciphertext encrypted and not yet written. All are kept ready to be read from (flipped).
 * Payloads are copied once each way, into and out of the records, which costs far less than the
 * cipher itself.
 */
final class TlsWire implements Wire {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
    /**
     * Records read or written per system call at most: a 16 KiB record per call cost more in calls
     * than in cipher (4 ranks on loopback ran at half the busbw of 16 records per call).
     */
    private static final int RECORDS_PER_SYSCALL = 16;

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private boolean handshaken;
    private IOException failed;

    TlsWire(SocketChannel channel, SSLEngine engine) throws IOException {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(RECORDS_PER_SYSCALL * packet).flip();
        // room for a whole record's ciphertext, not just its plaintext: OpenSSL's engine refuses a
        // record whose ciphertext is longer than the room left, though the plaintext would fit
        this.appIn = ByteBuffer.allocateDirect(packet).flip();
        this.netOut = ByteBuffer.allocateDirect(RECORDS_PER_SYSCALL * packet).flip();
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw failure(e);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        failedBefore();
        int total = 0;
        boolean ended = false;
        try {
            while (dst.hasRemaining()) {
                if (appIn.hasRemaining()) {
                    total += copy(appIn, dst);
                    continue;
                }
                if (!handshaken) {
                    if (!handshake()) {
                        break;
                    }
                    continue;
                }
                if (netIn.hasRemaining()) {
                    // a destination that holds a whole record takes it straight from the cipher
                    boolean direct = dst.remaining() >= appIn.capacity();
                    int before = dst.position();
                    SSLEngineResult r = direct ? engine.unwrap(netIn, dst) : unwrap();
                    if (direct && r.getStatus() == Status.BUFFER_OVERFLOW) {
                        r = unwrap(); // a record longer than the engine promised: through the buffer, which grows
                    }
                    total += dst.position() - before;
                    if (r.getStatus() == Status.CLOSED) {
                        ended = true;
                        break;
                    }
                    if (needsHandshake(r.getHandshakeStatus())) {
                        handshaken = false; // a key update or session ticket: answer it on the way
                        continue;
                    }
                    boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                    if (r.getStatus() == Status.BUFFER_OVERFLOW || r.getStatus() == Status.OK && moved) {
                        continue; // unwrap again: the plaintext buffer grew, or more records may wait
                    }
                }
                int n = readSocket();
                if (n < 0) {
                    ended = true;
                    break;
                }
                if (n == 0) {
                    break;
                }
            }
        } catch (SSLException e) {
            throw failure(e);
        }
        return total == 0 && ended ? -1 : total;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        failedBefore();
        try {
            if (!flush() || !handshaken) {
                return 0;
            }
            long taken = 0;
            // records until the buffer is full or the sources are empty, then one write for all of them
            while (true) {
                SSLEngineResult r = wrap(srcs, offset, length);
                if (r.getStatus() == Status.CLOSED) {
                    throw new IOException("TLS: the connection was closed");
                }
                taken += r.bytesConsumed();
                if (r.bytesConsumed() == 0 || r.getStatus() == Status.BUFFER_OVERFLOW) {
                    break;
                }
            }
            flushOnly(); // what the socket does not take now goes when it is writable
            return taken;
        } catch (SSLException e) {
            throw failure(e);
        }
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.hasRemaining();
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut.hasRemaining();
    }

    @Override
    public boolean acceptsData() {
        return handshaken;
    }

    /** Writes the ciphertext left over, then moves the handshake on as far as it goes now. */
    @Override
    public boolean flush() throws IOException {
        failedBefore();
        try {
            if (!handshaken) {
                handshake();
            }
            return flushOnly();
        } catch (SSLException e) {
            throw failure(e);
        }
    }

    private boolean flushOnly() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves the handshake on; false when it has to wait for the peer or the socket. A connection that
     * fails meanwhile fails as TLS's: a peer without TLS, refusing what it read, may just hang up.
     */
    private boolean handshake() throws IOException {
        try {
            return handshakeSteps();
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            if (failed == null) {
                failed = new IOException(e.getMessage() != null && e.getMessage().startsWith("TLS:") ? e.getMessage()
                        : "TLS: the connection failed during the TLS handshake (" + e + "); does the peer have"
                        + " JCCL_TLS_CERT, JCCL_TLS_KEY and JCCL_TLS_CA set?", e);
            }
            throw failed;
        }
    }

    private boolean handshakeSteps() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NOT_HANDSHAKING, FINISHED -> {
                    handshaken = true;
                    return true;
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(NOTHING, 0, 1);
                    if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                        if (!flushOnly()) {
                            return false;
                        }
                        continue;
                    }
                    if (r.getStatus() == Status.CLOSED) {
                        flushOnly();
                        throw new EOFException("TLS: the handshake was closed");
                    }
                    flushOnly(); // what the socket does not take now goes when it is writable
                }
                default -> { // NEED_UNWRAP, NEED_UNWRAP_AGAIN
                    // with nothing buffered too: OpenSSL's engine notices that the record its last
                    // unwrap took completed the handshake only when called again
                    SSLEngineResult r = unwrap();
                    if (r.getStatus() == Status.CLOSED) {
                        throw new EOFException("TLS: the peer ended the handshake");
                    }
                    boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                    if (needsUnwrap(engine.getHandshakeStatus()) && (!moved || r.getStatus() == Status.BUFFER_UNDERFLOW)) {
                        int n = readSocket();
                        if (n < 0) {
                            throw new EOFException("TLS: the peer closed the connection during the handshake");
                        }
                        if (n == 0) {
                            return false;
                        }
                    }
                }
            }
        }
    }

    private static boolean needsUnwrap(HandshakeStatus s) {
        return s == HandshakeStatus.NEED_UNWRAP || s == HandshakeStatus.NEED_UNWRAP_AGAIN;
    }

    private static boolean needsHandshake(HandshakeStatus s) {
        return s != HandshakeStatus.NOT_HANDSHAKING && s != HandshakeStatus.FINISHED;
    }

    /** Encrypts from {@code srcs} into what room the ciphertext buffer has. */
    private SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length) throws SSLException {
        netOut.compact();
        try {
            return engine.wrap(srcs, offset, length, netOut);
        } finally {
            netOut.flip();
        }
    }

    private SSLEngineResult unwrap() throws SSLException {
        appIn.compact();
        try {
            SSLEngineResult r = engine.unwrap(netIn, appIn);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                // the peer's records grew past what the session first said: make room for one
                ByteBuffer bigger = ByteBuffer.allocateDirect(appIn.position() + engine.getSession().getPacketBufferSize());
                appIn.flip();
                appIn = bigger.put(appIn);
            }
            return r;
        } finally {
            appIn.flip();
        }
    }

    private int readSocket() throws IOException {
        netIn.compact();
        try {
            return channel.read(netIn);
        } finally {
            netIn.flip();
        }
    }

    private static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n).position(to.position() + n);
        from.position(from.position() + n);
        return n;
    }

    /**
     * An {@link IOException} that says, in words, why TLS failed. The engine has an alert for the
     * peer by now; it goes out first, so that the peer learns why too, not just that the line dropped.
     */
    private IOException failure(SSLException e) {
        if (failed != null) {
            return failed;
        }
        try {
            engine.closeOutbound();
            wrap(NOTHING, 0, 1);
            flushOnly();
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy: the failure itself is what matters
        }
        failed = new IOException("TLS: " + TlsIdentity.explain(e), e);
        return failed;
    }

    /** After a failure the engine is closed, and would pass for idle: every later call says why it failed. */
    private void failedBefore() throws IOException {
        if (failed != null) {
            throw failed;
        }
    }
}
