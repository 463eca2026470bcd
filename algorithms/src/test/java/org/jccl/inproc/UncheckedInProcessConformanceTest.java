package org.jccl.inproc;

import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.RankLauncher;
import org.jccl.tck.ThreadRanks;

/**
 * The TCK over a transport whose messages carry no check words: every collective sends its word
 * beside its data, and a mismatch is still named. A sample of the cases; the contract cases all run.
 */
class UncheckedInProcessConformanceTest extends ConformanceSuite {
    @Override
    protected RankLauncher launcher() {
        return new ThreadRanks(UncheckedInProcessTransportProvider.NAME, n -> "mem:tck-unchecked-" + System.nanoTime());
    }

    @Override
    protected int[] rankCounts() {
        return new int[] {2, 3, 5};
    }

    @Override
    protected int stride() {
        return 5;
    }
}
