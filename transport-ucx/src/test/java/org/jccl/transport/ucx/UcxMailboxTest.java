package org.jccl.transport.ucx;

import org.jccl.tck.MailboxSuite;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.BeforeAll;

/** MPI matching over ucx. */
class UcxMailboxTest extends MailboxSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected ThreadRanks threads() {
        return ThreadRanks.loopback("ucx");
    }
}
