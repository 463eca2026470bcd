package org.jccl.inproc;

import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;

/**
 * The {@code inproc} transport: ranks as threads of one JVM, for fast tests and for users' own unit
 * tests. Use it with an in-memory rendezvous, e.g.
 * {@code Jccl.builder().rank(r).size(n).transport("inproc").rendezvous("mem:my-test").connect()}
 * on n threads.
 */
public final class InProcessTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "inproc";
    }

    @Override
    public boolean crossesProcesses() {
        return false;
    }

    @Override
    public Transport open(TransportContext context) {
        InProcessFabric fabric = InProcessFabric.join(context.jobId(), context.size());
        InProcessTransport t = new InProcessTransport(fabric, context.rank());
        context.bootstrap().barrier();
        return t;
    }
}
