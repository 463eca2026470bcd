package org.jccl.transport.ucx;

import org.jccl.tck.OnDemandConnectionsSuite;
import org.junit.jupiter.api.BeforeAll;

/** ucx endpoints open on demand: 32 ranks, each with its own UCX worker. */
class UcxOnDemandConnectionsTest extends OnDemandConnectionsSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected String transportName() {
        return "ucx";
    }
}
