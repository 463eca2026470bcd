package org.jccl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Point-to-point messaging with MPI's matching rules, beside a communicator's collectives: a
 * receive takes a message up to its buffer's length, from {@link #ANY_SOURCE} and with
 * {@link #ANY_TAG}; probes look at a message before receiving it; a synchronous send ends only once
 * its receive has matched it. Messages from one sender with one tag are received in the order they
 * were sent, and a message goes to the earliest posted receive it matches.
 *
 * <p>A mailbox is the communicator's own ({@link Communicator#mailbox()}); its messages never
 * meet {@link Communicator#send}/{@link Communicator#recv}, whose receives must be exact. A rank
 * may send to itself. Windows are a buffer's {@code position()} to {@code limit()}; heap and
 * direct buffers both work, and a buffer must not change until its call or future ends.
 *
 * <p>Receives wait for as long as it takes (an MPI program may wait in a receive for a request
 * that comes when it comes); a peer that fails or leaves fails every pending operation. A receive
 * whose message is longer than its buffer fails with {@link TruncatedMessage}, which leaves the
 * communicator usable; any other failure breaks it. The futures' callbacks never run on a thread
 * that drives I/O.
 */
public interface Mailbox {
    /** A receive's or probe's source that matches every sender. */
    int ANY_SOURCE = -1;

    /** A receive's or probe's tag that matches every tag. */
    int ANY_TAG = -1;

    /** Sends {@code buf}'s window to {@code dest} with {@code tag} (at least 0); returns once the buffer may change. */
    void send(ByteBuffer buf, int dest, int tag);

    /** As {@link #send}, returning only once a receive on {@code dest} has matched the message. */
    void sendSync(ByteBuffer buf, int dest, int tag);

    /** Asynchronous {@link #send}: the future ends once the buffer may change. */
    CompletableFuture<Void> sendAsync(ByteBuffer buf, int dest, int tag);

    /** Asynchronous {@link #sendSync}: the future ends once a receive has matched the message. */
    CompletableFuture<Void> sendSyncAsync(ByteBuffer buf, int dest, int tag);

    /**
     * Receives a message from {@code source} (or {@link #ANY_SOURCE}) with {@code tag} (or
     * {@link #ANY_TAG}) into the start of {@code buf}'s window; returns what it was.
     *
     * @throws TruncatedMessage when the message is longer than the window
     */
    Envelope recv(ByteBuffer buf, int source, int tag);

    /** Asynchronous {@link #recv}; cancelling the future withdraws the receive if nothing matched it yet. */
    CompletableFuture<Envelope> recvAsync(ByteBuffer buf, int source, int tag);

    /** Waits until a message that {@code source} and {@code tag} match has arrived, and says what it is; receives nothing. */
    Envelope probe(int source, int tag);

    /** What {@link #probe} would say now, or null when no such message has arrived yet. */
    Envelope tryProbe(int source, int tag);

    /** As {@link #probe}, but takes the message out of matching: only the returned handle can receive it. */
    MatchedMessage take(int source, int tag);

    /** What {@link #take} would return now, or null when no such message has arrived yet. */
    MatchedMessage tryTake(int source, int tag);
}
