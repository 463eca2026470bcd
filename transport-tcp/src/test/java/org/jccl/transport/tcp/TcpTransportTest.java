package org.jccl.transport.tcp;

import org.jccl.tck.TransportSuite;

/** The SPI contract over tcp. */
class TcpTransportTest extends TransportSuite {
    @Override
    protected String transportName() {
        return "tcp";
    }
}
