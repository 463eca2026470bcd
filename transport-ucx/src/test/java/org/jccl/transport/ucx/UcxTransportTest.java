package org.jccl.transport.ucx;

import org.jccl.tck.TransportSuite;
import org.junit.jupiter.api.BeforeAll;

/** The SPI contract over ucx (run once with UCX_TLS=tcp, once with shared memory). */
class UcxTransportTest extends TransportSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected String transportName() {
        return "ucx";
    }
}
