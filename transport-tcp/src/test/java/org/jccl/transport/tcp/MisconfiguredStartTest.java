package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.tck.TestPorts;
import org.junit.jupiter.api.Test;

/**
 * Jobs whose ranks, separate processes, were started with one setting wrong: every rank fails at
 * start-up with a message that names the setting and the ranks, long before the timeout (120 s
 * here; each process gets {@link #DEADLINE_SECONDS} before the test calls it hung).
 */
class MisconfiguredStartTest {
    private static final int DEADLINE_SECONDS = 30;

    /** One rank: connects as its environment says, runs one allReduce, prints how it ended. */
    public static final class Rank {
        public static void main(String[] args) {
            try (Communicator c = Jccl.builder().connect()) {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                c.allReduce(b, b, DataType.INT32, ReduceOp.SUM);
                System.out.println("ok");
            } catch (JcclException e) {
                System.out.println("failed: " + e.getMessage());
                System.exit(3);
            }
        }
    }

    /** Starts one process per entry of {@code ranks} (its settings over a common base), returns what each printed. */
    private static List<String> start(List<Map<String, String>> ranks) throws Exception {
        String rendezvous = "127.0.0.1:" + TestPorts.freePort();
        List<Process> ps = new ArrayList<>();
        for (Map<String, String> settings : ranks) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Rank.class.getName()).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("JCCL_"));
            Map<String, String> all = new HashMap<>(Map.of("JCCL_RENDEZVOUS", rendezvous, "JCCL_TIMEOUT", "120",
                    "JCCL_TRANSPORT", "tcp", "JCCL_SIZE", Integer.toString(ranks.size())));
            all.putAll(settings);
            env.putAll(all);
            ps.add(pb.start());
        }
        List<String> out = new ArrayList<>();
        try {
            for (Process p : ps) {
                assertTrue(p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "a rank still runs after " + DEADLINE_SECONDS + " s");
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertEquals(3, p.exitValue(), text);
                out.add(text);
            }
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
        return out;
    }

    private static void everyRankSays(List<String> out, String expected) {
        for (int r = 0; r < out.size(); r++) {
            assertTrue(out.get(r).contains(expected), "rank " + r + " printed: " + out.get(r));
        }
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
        everyRankSays(out, "the inproc transport runs ranks as threads of one JVM, but this job's ranks are 2 processes"
                + " (use tcp or ucx)");
    }

    @Test
    void ranksWithDifferentSizes() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "1", "JCCL_SIZE", "3")));
        everyRankSays(out, "rank 1: init: this rank has size 3 but rank 0 has size 2 (JCCL_SIZE differs)");
    }

    @Test
    void oneRankStartedTwice() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "1"), Map.of("JCCL_RANK", "1")));
        everyRankSays(out, "another process already joined this job as rank 1 (is JCCL_RANK the same on two processes?)");
    }

    @Test
    void anAlgorithmForcedOnOneRankOnly() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0", "JCCL_ALGO_ALLREDUCE", "ring"), Map.of("JCCL_RANK", "1")));
        everyRankSays(out, "JCCL_ALGO_ALLREDUCE differs: ranks [0] ring, ranks [1] unset; start every rank with the same"
                + " JCCL_ALGO_ALLREDUCE");
    }

    @Test
    void aRankOutsideTheJob() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0"), Map.of("JCCL_RANK", "5")));
        everyRankSays(out, "rank 5: init: rank 5 is outside 0..1 (JCCL_RANK or JCCL_SIZE is wrong on this process)");
    }

    @Test
    void aRankWithAnotherSecret() throws Exception {
        List<String> out = start(List.of(Map.of("JCCL_RANK", "0", "JCCL_SECRET", "s3cret"),
                Map.of("JCCL_RANK", "1", "JCCL_SECRET", "typo")));
        assertTrue(out.get(0).contains("the job failed to start: a process at ") && out.get(0).contains(
                " proved a different JCCL_SECRET, or none; start every rank with the same JCCL_SECRET"), out.get(0));
        assertTrue(out.get(1).startsWith("failed: rank 1: "), out.get(1));
    }
}
