package org.jccl.inproc;

import org.jccl.tck.MailboxSuite;
import org.jccl.tck.ThreadRanks;

/** MPI matching over the in-process transport. */
class InProcessMailboxTest extends MailboxSuite {
    @Override
    protected ThreadRanks threads() {
        return ThreadRanks.inProcess();
    }
}
