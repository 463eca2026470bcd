package org.jccl.inproc;

import org.jccl.tck.TransportSuite;

/** The SPI contract over the in-process transport. */
class InProcessTransportTest extends TransportSuite {
    @Override
    protected String transportName() {
        return "inproc";
    }
}
