package org.jccl.transport.ucx;

import java.util.List;
import org.jccl.tck.ProcessFailureSuite;
import org.jccl.tck.ProcessRanks;
import org.jccl.tck.RankLauncher;
import org.junit.jupiter.api.BeforeAll;

/** A rank process dying mid-job, over ucx. */
class UcxProcessFailureTest extends ProcessFailureSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected RankLauncher processes() {
        return new ProcessRanks("ucx", List.of());
    }
}
