package org.jccl.spi;

import org.jccl.Communicator;

/**
 * Builds communicators from resolved options; the implementation lives in {@code jccl-algorithms}
 * and is found through {@link java.util.ServiceLoader}.
 */
public interface CommunicatorFactory {
    /** Runs the rendezvous, opens the transport and returns a ready communicator. */
    Communicator connect(ConnectOptions options);

    /**
     * Tells the job that this process, started as {@code options} say, cannot join it and why,
     * so that the ranks that did start fail at once instead of at their timeout. Best effort: it
     * returns quietly when the job cannot be reached.
     */
    default void refuse(ConnectOptions options, String why) {
    }
}
