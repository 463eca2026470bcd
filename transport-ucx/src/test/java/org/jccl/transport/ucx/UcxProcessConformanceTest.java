package org.jccl.transport.ucx;

import java.util.List;
import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.ProcessRanks;
import org.jccl.tck.RankLauncher;
import org.junit.jupiter.api.BeforeAll;

/** The TCK over ucx with every rank a separate JVM: 3 and 5 ranks, every third case. */
class UcxProcessConformanceTest extends ConformanceSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected RankLauncher launcher() {
        return new ProcessRanks("ucx", List.of());
    }

    @Override
    protected int[] rankCounts() {
        return new int[] {3, 5};
    }

    @Override
    protected int stride() {
        return 3;
    }
}
