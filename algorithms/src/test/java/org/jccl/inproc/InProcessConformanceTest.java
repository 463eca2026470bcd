package org.jccl.inproc;

import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.RankLauncher;
import org.jccl.tck.ThreadRanks;

/** The TCK over the in-process transport. */
class InProcessConformanceTest extends ConformanceSuite {
    @Override
    protected RankLauncher launcher() {
        return ThreadRanks.inProcess();
    }
}
