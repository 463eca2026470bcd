package org.jccl.spi;

import org.jccl.Communicator;

/**
 * Builds communicators from resolved options; the implementation lives in {@code jccl-algorithms}
 * and is found through {@link java.util.ServiceLoader}.
 */
public interface CommunicatorFactory {
    /** Runs the rendezvous, opens the transport and returns a ready communicator. */
    Communicator connect(ConnectOptions options);
}
