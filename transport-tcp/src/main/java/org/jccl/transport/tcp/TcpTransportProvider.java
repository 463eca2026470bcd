package org.jccl.transport.tcp;

import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;

/** The {@code tcp} transport on non-blocking sockets; portable to any machine. */
public final class TcpTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Transport open(TransportContext context) {
        return TcpTransport.open(context);
    }
}
