package org.jccl.inproc;

import org.jccl.Configuration;
import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.RankLauncher;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The TCK with pipeline chunks of 1001 bytes (rounded down to whole elements) instead of 512 KiB,
 * so that the chunked paths (ring reduce-scatter and all-reduce, chain broadcast) run with many
 * chunks per block and a last chunk shorter than the others, which the default size reaches only
 * with the largest cases, if at all. A sample of the cases.
 */
class SmallChunkInProcessConformanceTest extends ConformanceSuite {
    private static String before;

    @BeforeAll
    static void smallChunks() {
        before = System.setProperty(Configuration.PROP_CHUNK_BYTES, "1001");
    }

    @AfterAll
    static void restore() {
        if (before == null) {
            System.clearProperty(Configuration.PROP_CHUNK_BYTES);
        } else {
            System.setProperty(Configuration.PROP_CHUNK_BYTES, before);
        }
    }

    @Override
    protected RankLauncher launcher() {
        return ThreadRanks.inProcess();
    }

    @Override
    protected int[] rankCounts() {
        return new int[] {2, 3, 5, 8};
    }

    @Override
    protected int stride() {
        return 3;
    }
}
