package org.jccl.transport.tcp;

import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.RankLauncher;
import org.jccl.tck.ThreadRanks;

/** The TCK over tcp, ranks as threads of one JVM on loopback. */
class TcpThreadConformanceTest extends ConformanceSuite {
    @Override
    protected RankLauncher launcher() {
        return ThreadRanks.loopback("tcp");
    }
}
