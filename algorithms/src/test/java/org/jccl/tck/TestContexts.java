package org.jccl.tck;

import java.time.Duration;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.TlsIdentity;
import org.jccl.spi.TransportContext;

/** Transport contexts for tests that open transports directly through the SPI. */
public final class TestContexts {
    private TestContexts() {
    }

    private record Context(int rank, int size, Duration timeout, long jobId, String secret, TlsIdentity tls,
                           String socketInterface, String rendezvousHost, Bootstrap bootstrap) implements TransportContext {
    }

    /** A context with the given identity, secret and interface choice; rendezvous host 127.0.0.1. */
    public static TransportContext of(int rank, int size, long jobId, Bootstrap bootstrap, String secret, String ifname,
                                      Duration timeout) {
        return new Context(rank, size, timeout, jobId, secret, null, ifname, "127.0.0.1", bootstrap);
    }

    /** A context on loopback with TLS {@code tls} (null: none). */
    public static TransportContext withTls(int rank, int size, long jobId, Bootstrap bootstrap, TlsIdentity tls,
                                           Duration timeout) {
        return new Context(rank, size, timeout, jobId, null, tls, null, "127.0.0.1", bootstrap);
    }
}
