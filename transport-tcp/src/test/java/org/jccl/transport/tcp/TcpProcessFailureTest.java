package org.jccl.transport.tcp;

import java.util.List;
import org.jccl.tck.ProcessFailureSuite;
import org.jccl.tck.ProcessRanks;
import org.jccl.tck.RankLauncher;

/** A rank process dying mid-job, over tcp. */
class TcpProcessFailureTest extends ProcessFailureSuite {
    @Override
    protected RankLauncher processes() {
        return new ProcessRanks("tcp", List.of());
    }
}
