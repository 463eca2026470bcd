package org.jccl.transport.tcp;

import org.jccl.tck.MailboxSuite;
import org.jccl.tck.ThreadRanks;

/** MPI matching over tcp. */
class TcpMailboxTest extends MailboxSuite {
    @Override
    protected ThreadRanks threads() {
        return ThreadRanks.loopback("tcp");
    }
}
