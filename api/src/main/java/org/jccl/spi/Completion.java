package org.jccl.spi;

import org.jccl.JcclException;

/**
 * Called by a transport when a send or receive finishes. Runs on a transport thread: an
 * implementation must return quickly and never block.
 */
public interface Completion {
    /** The operation finished; for a receive, the bytes are in the buffer. */
    void completed();

    /**
     * A receive posted with {@link Transport#recvUpTo} finished: the message's {@code bytes} bytes
     * are at the start of the window. Called instead of {@link #completed()}.
     */
    default void received(int bytes) {
        completed();
    }

    /** The operation failed; the buffer's content is undefined. */
    void failed(JcclException cause);
}
