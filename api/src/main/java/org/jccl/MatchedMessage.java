package org.jccl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A message a {@link Mailbox} has taken out of matching ({@link Mailbox#take}, MPI's
 * {@code MPI_Mprobe}): no other receive can match it, and exactly one receive here gets it.
 */
public interface MatchedMessage {
    /** Who sent it, with which tag, how long it is. */
    Envelope envelope();

    /** Receives it into {@code buf}'s window, as {@link Mailbox#recv} would. At most once. */
    Envelope recv(ByteBuffer buf);

    /** Asynchronous {@link #recv}. */
    CompletableFuture<Envelope> recvAsync(ByteBuffer buf);
}
