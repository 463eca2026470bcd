package org.jccl.communicator;

import java.time.Duration;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.TlsIdentity;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;

/** How a communicator's transport was opened, so that a split can open one more like it. */
record TransportSpec(TransportProvider provider, long jobId, String secret, TlsIdentity tls, String socketInterface,
                     String rendezvousHost, Duration timeout) {

    /** The same spec for a job of its own (a split). */
    TransportSpec withJob(long job) {
        return new TransportSpec(provider, job, secret, tls, socketInterface, rendezvousHost, timeout);
    }

    Transport open(int rank, int size, long job, Bootstrap bootstrap) {
        return provider.open(new Context(rank, size, timeout, job, secret, tls, socketInterface, rendezvousHost,
                bootstrap));
    }

    private record Context(int rank, int size, Duration timeout, long jobId, String secret, TlsIdentity tls,
                           String socketInterface, String rendezvousHost, Bootstrap bootstrap) implements TransportContext {
    }
}
