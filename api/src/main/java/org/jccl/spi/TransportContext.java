package org.jccl.spi;

import java.time.Duration;

/** What a transport is given when it opens: who it is, how long it may wait, how to find peers. */
public interface TransportContext {
    /** This process's rank. */
    int rank();

    /** The number of ranks. */
    int size();

    /** The bound on every blocking step (connecting, waiting). */
    Duration timeout();

    /** A random identifier shared by all ranks of one job, carried in handshakes. */
    long jobId();

    /** The job secret, or null when connections need not prove one. */
    String secret();

    /** This rank's side of mutual TLS, or null when connections go without it. */
    default TlsIdentity tls() {
        return null;
    }

    /** Interface name, comma list or prefix to bind to, or null to choose a default. */
    String socketInterface();

    /** Host of the rendezvous store, or null when it is in-process; a hint for the address to bind. */
    String rendezvousHost();

    /** The out-of-band channel to exchange addresses. */
    Bootstrap bootstrap();
}
