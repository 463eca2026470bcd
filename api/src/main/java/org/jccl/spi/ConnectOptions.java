package org.jccl.spi;

import java.time.Duration;
import java.util.Map;

/**
 * Fully resolved options of one communicator, as {@link org.jccl.Jccl} hands them to the
 * {@link CommunicatorFactory}.
 *
 * @param rank this process's rank
 * @param size number of ranks
 * @param rendezvous {@code host:port} of the rendezvous store, or {@code mem:NAME} for an in-process store
 * @param transport transport name
 * @param timeout bound on every blocking step
 * @param socketInterface interface name, comma list or prefix; null for the default
 * @param secret job secret or null
 * @param algorithms forced algorithm per collective, keyed by lower-case collective name
 * @param tls this rank's side of mutual TLS, or null for none
 */
public record ConnectOptions(int rank, int size, String rendezvous, String transport, Duration timeout,
                             String socketInterface, String secret, Map<String, String> algorithms, TlsIdentity tls) {
    public ConnectOptions {
        algorithms = Map.copyOf(algorithms);
    }
}
