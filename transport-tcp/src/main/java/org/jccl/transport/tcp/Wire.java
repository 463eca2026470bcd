package org.jccl.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The byte stream a connection's frames travel on: the socket itself ({@link #plain}), or TLS over
 * it ({@link TlsWire}). Non-blocking like the socket: a read or write takes what it can now.
 */
interface Wire {
    /** Reads into {@code dst}; -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes from {@code srcs[offset, offset + length)}; returns the bytes taken. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Bytes read from the socket and not yet handed out: a read returns them without the socket. */
    default boolean hasBufferedInput() {
        return false;
    }

    /** Bytes taken by a write that have not reached the socket yet: {@link #flush} sends them on. */
    default boolean hasPendingOutput() {
        return false;
    }

    /** Whether a write can take data now (TLS: not while its handshake waits for the peer). */
    default boolean acceptsData() {
        return true;
    }

    /** Sends on what earlier writes left; true when nothing is left. */
    default boolean flush() throws IOException {
        return true;
    }

    /** The socket without anything on top. */
    static Wire plain(SocketChannel channel) {
        return new Wire() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                return channel.write(srcs, offset, length);
            }
        };
    }
}
