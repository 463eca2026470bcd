package org.jccl.transport.tcp;

import java.util.List;
import org.jccl.tck.ProcessFailureSuite;
import org.jccl.tck.ProcessRanks;

/** A rank process dying, freezing or going quiet mid-job, over tcp. */
class TcpProcessFailureTest extends ProcessFailureSuite {
    @Override
    protected ProcessRanks processes() {
        return new ProcessRanks("tcp", List.of());
    }
}
