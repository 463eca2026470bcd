package org.jccl.transport.ucx;

import java.util.List;
import java.util.Map;
import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.ProcessRanks;
import org.jccl.tck.RankLauncher;
import org.junit.jupiter.api.BeforeAll;

/**
 * The TCK over ucx with UCX's rendezvous threshold raised to 1 MiB, so that messages up to it go
 * eager, in several fragments, and often arrive before their receive is posted. JUCX 1.15 on UCX
 * 1.13 then completes such a receive inside its post and throws on the request it released; the
 * transport must take the outcome from the callback instead of failing the receive.
 */
class UcxEagerFragmentsTest extends ConformanceSuite {
    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    @Override
    protected RankLauncher launcher() {
        return new ProcessRanks("ucx", List.of(), Map.of("UCX_RNDV_THRESH", "1m"));
    }

    @Override
    protected int[] rankCounts() {
        return new int[] {4};
    }

    @Override
    protected int stride() {
        return 3;
    }
}
