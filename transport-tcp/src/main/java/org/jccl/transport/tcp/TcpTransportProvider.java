package org.jccl.transport.tcp;

import java.util.Map;
import org.jccl.Configuration;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;

/** The {@code tcp} transport on non-blocking sockets; portable to any machine. */
public final class TcpTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "tcp";
    }

    /** The frame format's version and the eager limit, which decides how each message travels: one job, one protocol. */
    @Override
    public Map<String, String> startupSettings() {
        return Map.of("tcp protocol", Byte.toString(Frame.VERSION), Configuration.PROP_TCP_EAGER_LIMIT, Integer.toString(
                Configuration.intProperty(Configuration.PROP_TCP_EAGER_LIMIT, Configuration.DEFAULT_TCP_EAGER_LIMIT)));
    }

    @Override
    public Transport open(TransportContext context) {
        return TcpTransport.open(context);
    }
}
