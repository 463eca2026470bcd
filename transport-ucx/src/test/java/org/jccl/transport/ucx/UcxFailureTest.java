package org.jccl.transport.ucx;

import org.jccl.tck.FailureSuite;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.BeforeAll;

/** Error and failure behaviour over ucx. */
class UcxFailureTest extends FailureSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected ThreadRanks threads() {
        return ThreadRanks.loopback("ucx");
    }
}
