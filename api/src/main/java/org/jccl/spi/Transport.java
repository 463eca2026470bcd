package org.jccl.spi;

import java.nio.ByteBuffer;
import java.util.List;
import org.jccl.JcclException;

/**
 * Non-blocking, tagged point-to-point messaging between the ranks of one job.
 *
 * <p>A transport moves the bytes of a buffer window ({@code position()} to {@code limit()}) and
 * never changes the buffer's position or limit. Messages between one pair of ranks with the same
 * tag match in FIFO order. A receive window must be exactly as long as the message, except for
 * {@link #recvUpTo}, which takes any message that fits. Tags are opaque
 * to a transport and use only the low {@link #TAG_BITS} bits, so a transport may use the bits above
 * (to carry the sender's rank, say). Sending to oneself is not supported.
 *
 * <p>Completions run on whichever thread drives the transport and must not block. When a peer is lost, every pending
 * operation with that peer fails with a {@link JcclException} naming the peer.
 */
public interface Transport extends AutoCloseable {
    /** Tags fit in this many low bits. */
    int TAG_BITS = 40;

    /**
     * Starts sending {@code buf}'s window to {@code peer}; the buffer must not change until
     * completion. Where messages carry check words, this one carries 0.
     */
    void send(int peer, long tag, ByteBuffer buf, Completion done);

    /** Posts a receive of exactly {@code buf.remaining()} bytes from {@code peer}. */
    void recv(int peer, long tag, ByteBuffer buf, Completion done);

    /**
     * Posts a receive of a message of at most {@code buf.remaining()} bytes from {@code peer}, which
     * lands at the start of the window; {@link Completion#received(int)} says how long it was. A
     * longer message fails the receive and is dropped. Messages received this way carry no check
     * word. Order is FIFO as for exact receives among messages that take one path; a transport that
     * gives long messages a path of their own (ucx's single-copy lane) keeps no order between a long
     * and a short message here. Transports that cannot tell a message's length fail the receive.
     * An up-to receive stands, as a receive for requests that come whenever does: it keeps no helper
     * thread driving the transport, and completes when a caller drives ({@link Progress}).
     */
    default void recvUpTo(int peer, long tag, ByteBuffer buf, Completion done) {
        done.failed(new JcclException(-1, "recv", "this transport receives only messages of an exact length"));
    }

    /**
     * The largest message that carries a check word: a receive fails with {@link CheckMismatch}
     * when the message that matches it was sent with another word. 0 when no message carries one,
     * {@link Integer#MAX_VALUE} when every message does. The communicator puts the arguments of
     * each collective there, so that ranks that called different things find out from the
     * collective's own messages, with no round of their own to agree first.
     */
    default int checkedMessageBytes() {
        return 0;
    }

    /**
     * As {@link #send(int, long, ByteBuffer, Completion)}, with a check word that travels with the
     * message when it is no longer than {@link #checkedMessageBytes()} (and is dropped otherwise).
     */
    default void send(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        send(peer, tag, buf, done);
    }

    /**
     * As {@link #recv(int, long, ByteBuffer, Completion)}; a message no longer than
     * {@link #checkedMessageBytes()} carrying another check word than {@code check} fails the
     * receive with {@link CheckMismatch}. Sender and receiver must pass the same length, but a
     * transport that checks only short messages reads the word of any checked message that matches
     * a checked receive, whatever its length, before it compares lengths: the communicator sends a
     * long collective's word in a message of no payload, and a rank in another call must meet it.
     */
    default void recv(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        recv(peer, tag, buf, done);
    }

    /**
     * Whether messages to {@code peer} stay inside this machine (loopback, shared memory), where many
     * senders at once cannot overflow a network's queues; false when the transport cannot tell.
     */
    default boolean staysOnMachine(int peer) {
        return false;
    }

    /**
     * The peers whose connection this transport has lost (they failed or left, or the connection
     * broke), for the report a timeout makes; callable from any thread, exact only eventually.
     */
    default List<Integer> lostPeers() {
        return List.of();
    }

    /** What this transport is, for the log line of a new communicator: its address, what it chose. */
    default String describe() {
        return "";
    }

    /**
     * How the transport's I/O is driven, or null when operations complete without anybody driving
     * them (then a waiting thread parks until a completion wakes it).
     */
    default Progress progress() {
        return null;
    }

    /**
     * Fails every pending and later operation with {@code cause} and tells every peer, whose
     * transports then do the same. Idempotent.
     */
    void abort(JcclException cause);

    /** Releases connections and threads; pending operations fail. Idempotent. */
    @Override
    void close();
}
