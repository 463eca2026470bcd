package org.jccl.transport.ucx;

import java.util.List;
import org.jccl.tck.ProcessFailureSuite;
import org.jccl.tck.ProcessRanks;
import org.junit.jupiter.api.BeforeAll;

/** A rank process dying, freezing or going quiet mid-job, over ucx. */
class UcxProcessFailureTest extends ProcessFailureSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected ProcessRanks processes() {
        return new ProcessRanks("ucx", List.of());
    }
}
