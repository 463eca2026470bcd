package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.jccl.tck.MisconfiguredJob;
import org.junit.jupiter.api.Test;

/**
 * Jobs over tcp whose ranks, separate processes, were started with one setting wrong: every rank
 * fails at start-up with a message that names the setting and the ranks ({@link MisconfiguredJob}).
 */
class MisconfiguredStartTest {
    private static List<String> start(List<Map<String, String>> ranks) throws Exception {
        return MisconfiguredJob.start("tcp", ranks);
    }

    @Test
    void ranksOnDifferentTransports() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "1", "JCCL_TRANSPORT", "inproc")));
        String why = "JCCL_TRANSPORT differs: ranks [1] inproc, ranks [0] tcp; start every rank with the same JCCL_TRANSPORT";
        assertEquals("failed: rank 0: init: " + why, out.get(0));
        assertEquals("failed: rank 1: init: the job failed to start: " + why, out.get(1));
    }

    @Test
    void theThreadTransportInSeveralProcesses() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0", "JCCL_TRANSPORT", "inproc"),
                Map.of("JCCL_RANK", "1", "JCCL_TRANSPORT", "inproc")));
        MisconfiguredJob.everyRankSays(out, "the inproc transport runs ranks as threads of one JVM, but this job's ranks are 2 processes"
                + " (use tcp or ucx)");
    }

    @Test
    void ranksWithDifferentSizes() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "1", "JCCL_SIZE", "3")));
        MisconfiguredJob.everyRankSays(out, "rank 1: init: this rank has size 3 but rank 0 has size 2 (JCCL_SIZE differs)");
    }

    @Test
    void oneRankStartedTwice() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "1"), Map.of("JCCL_RANK", "1")));
        MisconfiguredJob.everyRankSays(out, "another process already joined this job as rank 1 (is JCCL_RANK the same on two processes?)");
    }

    @Test
    void anAlgorithmForcedOnOneRankOnly() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0", "JCCL_ALGO_ALLREDUCE", "ring"), Map.of("JCCL_RANK", "1")));
        MisconfiguredJob.everyRankSays(out, "JCCL_ALGO_ALLREDUCE differs: ranks [0] ring, ranks [1] unset; start every rank with the same"
                + " JCCL_ALGO_ALLREDUCE");
    }

    @Test
    void aRankOutsideTheJob() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "5")));
        MisconfiguredJob.everyRankSays(out, "rank 5: init: rank 5 is outside 0..1 (JCCL_RANK or JCCL_SIZE is wrong on this process)");
    }

    @Test
    void aRankWithAnotherSecret() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0", "JCCL_SECRET", "s3cret"),
                Map.of("JCCL_RANK", "1", "JCCL_SECRET", "typo")));
        assertTrue(out.get(0).contains("the job failed to start: rank 1 (a process at ") && out.get(0).contains(
                " proved a different JCCL_SECRET, or none; start every rank with the same JCCL_SECRET"), out.get(0));
        assertTrue(out.get(1).startsWith("failed: rank 1: "), out.get(1));
    }

    @Test
    void rankZeroOnATransportThatIsNotThere() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0", "JCCL_TRANSPORT", "carrier-pigeon"), Map.of("JCCL_RANK", "1")));
        MisconfiguredJob.everyRankSays(out, "rank 0: init: unknown transport 'carrier-pigeon'; on the class path: [");
        assertTrue(out.get(1).startsWith("failed: rank 1: init: the job failed to start: rank 0: init: unknown transport"),
                out.get(1));
    }
}
