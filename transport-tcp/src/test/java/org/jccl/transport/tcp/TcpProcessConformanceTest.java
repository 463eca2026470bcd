package org.jccl.transport.tcp;

import java.util.List;
import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.ProcessRanks;
import org.jccl.tck.RankLauncher;

/**
 * The TCK over tcp with every rank a separate JVM. JVM start-up on a 2-core machine is the cost,
 * so it covers 3, 5 and 8 ranks and every other case; the thread-mode run covers the rest.
 */
class TcpProcessConformanceTest extends ConformanceSuite {
    @Override
    protected RankLauncher launcher() {
        return new ProcessRanks("tcp", List.of());
    }

    @Override
    protected int[] rankCounts() {
        return new int[] {3, 5, 8};
    }

    @Override
    protected int stride() {
        return 2;
    }
}
