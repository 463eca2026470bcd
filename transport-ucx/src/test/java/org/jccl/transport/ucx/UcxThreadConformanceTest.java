package org.jccl.transport.ucx;

import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.RankLauncher;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.BeforeAll;

/** The TCK over ucx, ranks as threads of one JVM. */
class UcxThreadConformanceTest extends ConformanceSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected RankLauncher launcher() {
        return ThreadRanks.loopback("ucx");
    }
}
