package org.jccl.inproc;

import org.jccl.tck.FailureSuite;
import org.jccl.tck.ThreadRanks;

/** Error and failure behaviour over the in-process transport. */
class InProcessFailureTest extends FailureSuite {
    @Override
    protected ThreadRanks threads() {
        return ThreadRanks.inProcess();
    }
}
