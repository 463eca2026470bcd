package org.jccl;

/**
 * What a point-to-point message of a {@link Mailbox} was: who sent it, with which tag, and how many
 * bytes it held (which may be more than a receive took, see {@link TruncatedMessage}).
 *
 * @param source the sender's rank
 * @param tag the tag it was sent with
 * @param length its length in bytes
 */
public record Envelope(int source, int tag, int length) {
}
