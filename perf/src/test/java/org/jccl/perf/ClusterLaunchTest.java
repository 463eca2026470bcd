package org.jccl.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --cluster}: ranks in network namespaces behind tbf-shaped links. The links really are
 * shaped (a large all-gather cannot beat the link rate, whatever the machine's speed), results
 * are right, and the namespaces are gone afterwards. Needs root and network namespaces; skipped
 * loudly without them (CI runs as root).
 */
class ClusterLaunchTest {
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? out : null;
    }

    private static boolean namespacesWork() throws Exception {
        String probe = "jccl-probe-" + ProcessHandle.current().pid();
        if (run("ip", "netns", "add", probe) == null) {
            return false;
        }
        run("ip", "netns", "delete", probe);
        return run("tc", "-V") != null;
    }

    @Test
    void aShapedClusterSweepIsRightAndCappedByTheLink() throws Exception {
        boolean able = namespacesWork();
        if (!able) {
            System.err.println("SKIPPED LOUDLY: cannot make network namespaces here (needs root, iproute2's ip and tc);"
                    + " the --cluster test did not run");
        }
        assumeTrue(able, "SKIPPED LOUDLY: no network namespaces here (needs root and iproute2)");
        String name = "jt" + ProcessHandle.current().pid() % 10_000_000;
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PerfMain.class.getName(), "allgather,allreduce", "--cluster", "3",
                "--link-rate", "200mbit", "-b", "1M", "-e", "2M", "-f", "2", "-n", "3", "-w", "1", "-c", "1")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JCCL_") || k.startsWith("OMPI_") || k.equals("RANK"));
        pb.environment().put("JCCL_CLUSTER_NAME", name);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("# jccl-perf: 3 ranks over tcp"), out);
        List<String[]> rows = out.lines().filter(l -> l.matches("^ +\\d+ .*")).map(l -> l.trim().split("\\s+")).toList();
        assertEquals(4, rows.size(), out);
        double link = LinkRate.parse("200mbit").gigabytesPerSecond();
        for (String[] f : rows) {
            assertEquals("0", f[f.length - 1], String.join(" ", f));
            double busbw = Double.parseDouble(f[f.length - 3]);
            assertTrue(Double.parseDouble(f[f.length - 2]) > 0, "no prediction of the cost model: " + String.join(" ", f));
            // tbf lets a 256 KB burst through at once, so allow a little above the rate, far below loopback
            assertTrue(busbw < 1.3 * link, "busbw " + busbw + " GB/s beats a " + link + " GB/s link: " + String.join(" ", f));
            assertTrue(busbw > 0, "no data moved: " + String.join(" ", f));
        }
        String left = run("ip", "netns", "list");
        assertFalse(left != null && left.contains(name + "-h"), "namespaces left behind: " + left);
        String links = run("ip", "link", "show");
        assertFalse(links != null && links.contains(name + "-"), "interfaces left behind: " + links);
    }
}
