package org.jccl.tck;

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

/**
 * A job whose ranks, separate processes, are started with one setting wrong: each connects as its
 * environment says and runs one allReduce. Every rank must fail, long before the job's timeout
 * (120 s); each gets {@link #DEADLINE_SECONDS} before it counts as hung.
 */
public final class MisconfiguredJob {
    private static final int DEADLINE_SECONDS = 30;

    private MisconfiguredJob() {
    }

    /** One rank: connects as its environment says, runs one allReduce, prints how it ended. */
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

    /**
     * Starts one process per entry of {@code ranks}, its settings over a common base (JCCL_SIZE the
     * number of entries, {@code transport}, a fresh rendezvous, JCCL_TIMEOUT=120); asserts each fails
     * within the deadline and returns the last line each printed.
     */
    public static List<String> start(String transport, List<Map<String, String>> ranks) throws Exception {
        String rendezvous = "127.0.0.1:" + TestPorts.freePort();
        List<Process> ps = new ArrayList<>();
        try {
            for (Map<String, String> settings : ranks) {
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), MisconfiguredJob.class.getName())
                        .redirectErrorStream(true);
                Map<String, String> env = pb.environment();
                env.keySet().removeIf(k -> k.startsWith("JCCL_"));
                Map<String, String> all = new HashMap<>(Map.of("JCCL_RENDEZVOUS", rendezvous, "JCCL_TIMEOUT", "120",
                        "JCCL_TRANSPORT", transport, "JCCL_SIZE", Integer.toString(ranks.size())));
                all.putAll(settings);
                env.putAll(all);
                ps.add(pb.start());
            }
            List<String> out = new ArrayList<>();
            for (Process p : ps) {
                assertTrue(p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "a rank still runs after " + DEADLINE_SECONDS + " s");
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertEquals(3, p.exitValue(), text);
                out.add(text.substring(text.lastIndexOf('\n') + 1)); // its verdict, after any log lines
            }
            return out;
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
    }

    /** Asserts that what every rank printed contains {@code expected}. */
    public static void everyRankSays(List<String> out, String expected) {
        for (int r = 0; r < out.size(); r++) {
            assertTrue(out.get(r).contains(expected), "rank " + r + " printed: " + out.get(r));
        }
    }
}
