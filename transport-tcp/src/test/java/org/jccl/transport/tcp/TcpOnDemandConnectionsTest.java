package org.jccl.transport.tcp;

import org.jccl.tck.OnDemandConnectionsSuite;

/** tcp connections open on demand: 32 ranks. */
class TcpOnDemandConnectionsTest extends OnDemandConnectionsSuite {
    @Override
    protected String transportName() {
        return "tcp";
    }
}
