package org.jccl.transport.tcp;

import java.nio.ByteBuffer;

/**
 * The TCP wire format. Every frame starts with a 32-byte big-endian header:
 * <pre>
 *  0  magic    u32  "JCCL"
 *  4  version  u8
 *  5  type     u8   one of the constants below
 *  6  flags    u16  zero
 *  8  tag      u64  the SPI tag: collective sequence, user tag or split bootstrap round (see Tags)
 * 16  length   u64  payload bytes that follow (RTS: the length of the message it announces)
 * 24  check    u64  EAGER and RTS: the sender's check word (the collective's arguments), else zero
 * </pre>
 * Messages up to the eager limit travel as one EAGER frame. Larger ones use rendezvous: the sender
 * announces them with RTS, the receiver answers CTS once the matching receive is posted, and only
 * then does the DATA frame follow, so a large payload always lands in a posted buffer and never
 * waits in memory. Each header field is validated before anything is allocated.
 */
final class Frame {
    static final int MAGIC = 0x4A43434C;
    static final byte VERSION = 3;
    static final int HEADER_BYTES = 32;

    /** Acceptor to connector: job id, acceptor rank, nonce. */
    static final byte CHALLENGE = 1;
    /** Connector to acceptor: job id, connector rank, proof of the secret. */
    static final byte HELLO = 2;
    /** Acceptor to connector: the connection is open for data. */
    static final byte WELCOME = 3;
    /** A whole message. */
    static final byte EAGER = 4;
    /** Ready to send: announces a message of {@code length} bytes. */
    static final byte RTS = 5;
    /** Clear to send: the oldest announced message with this tag may follow. */
    static final byte CTS = 6;
    /** The payload of a message announced by RTS. */
    static final byte DATA = 7;
    /** The sender's job is broken; the payload says why (UTF-8). */
    static final byte ABORT = 8;
    /** The sender closed its communicator; the payload says why its job broke, if it did (UTF-8). */
    static final byte GOODBYE = 9;
    /** Acceptor to connector: both ranks dialed, and the acceptor's own connection wins; this one closes. */
    static final byte DECLINE = 10;

    /** Largest control payload (CHALLENGE, HELLO, ABORT, GOODBYE). */
    static final int MAX_CONTROL_PAYLOAD = 64 * 1024;

    private Frame() {
    }

    /** A header, ready to write (position 0, limit {@link #HEADER_BYTES}). */
    static ByteBuffer header(byte type, long tag, long length, long check) {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).put(VERSION).put(type).putShort((short) 0).putLong(tag)
                .putLong(length).putLong(check).flip();
    }

    /** A control frame: its header followed by {@code payload}. */
    static ByteBuffer control(byte type, byte[] payload) {
        return ByteBuffer.allocate(HEADER_BYTES + payload.length).putInt(MAGIC).put(VERSION).put(type)
                .putShort((short) 0).putLong(0).putLong(payload.length).putLong(0).put(payload).flip();
    }

    static String typeName(byte type) {
        return switch (type) {
            case CHALLENGE -> "CHALLENGE";
            case HELLO -> "HELLO";
            case WELCOME -> "WELCOME";
            case EAGER -> "EAGER";
            case RTS -> "RTS";
            case CTS -> "CTS";
            case DATA -> "DATA";
            case ABORT -> "ABORT";
            case GOODBYE -> "GOODBYE";
            case DECLINE -> "DECLINE";
            default -> "type " + type;
        };
    }
}
