package org.jccl.transport.tcp;

import org.jccl.tck.FailureSuite;
import org.jccl.tck.ThreadRanks;

/** Error and failure behaviour over tcp. */
class TcpFailureTest extends FailureSuite {
    @Override
    protected ThreadRanks threads() {
        return ThreadRanks.loopback("tcp");
    }
}
