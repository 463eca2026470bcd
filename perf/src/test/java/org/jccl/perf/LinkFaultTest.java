package org.jccl.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults on a real network: three hosts as network namespaces behind tbf-shaped 1 Gbit/s links
 * ({@code perf/cluster/netns.sh}), and a loop of checked all-reduces on them while one host's link
 * goes down for good, goes down and comes back, or slows to a tenth. Needs root and network
 * namespaces; skipped loudly without them (CI runs as root). Every rank runs under a hard deadline.
 */
class LinkFaultTest {
    private static final int HOSTS = 3;
    /** Elements per all-reduce: 4 MiB of int32, about 45 ms on these links. */
    private static final int COUNT = 1 << 20;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final String name = "jf" + ProcessHandle.current().pid() % 10_000_000;
    private Path script;
    private final List<Process> ranks = new ArrayList<>();
    private final List<StringBuffer> outputs = new ArrayList<>();

    @BeforeEach
    void hosts() throws Exception {
        boolean able = run("ip", "netns", "add", name + "-probe") && run("ip", "netns", "delete", name + "-probe");
        if (!able) {
            System.err.println("SKIPPED LOUDLY: cannot make network namespaces here (needs root, iproute2's ip and tc);"
                    + " the link fault tests did not run");
        }
        assumeTrue(able, "SKIPPED LOUDLY: no network namespaces here (needs root and iproute2)");
        script = Files.createTempFile("jccl-netns", ".sh");
        try (InputStream in = ClusterLauncher.class.getResourceAsStream("netns.sh")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(netns("up", Integer.toString(HOSTS), "1gbit"), "netns.sh up failed");
    }

    @AfterEach
    void down() throws Exception {
        ranks.forEach(Process::destroyForcibly);
        if (script != null) {
            netns("down");
            Files.deleteIfExists(script);
        }
    }

    @Test
    void aLinkDownPastTheTimeoutFailsEveryRankNamingTheUnreachableOne() throws Exception {
        start(1_000_000, 8, COUNT);
        awaitLine(0, "OK 2");
        assertTrue(run("ip", "-n", name + "-h2", "link", "set", "veth0", "down"));
        stillRunning();
        long t0 = System.nanoTime();
        awaitEnd();
        double took = (System.nanoTime() - t0) / 1e9;
        for (int r = 0; r < HOSTS; r++) {
            String failed = line(r, "FAILED ");
            assertTrue(failed != null, "rank " + r + " did not fail:\n" + outputs.get(r));
            System.err.printf("link down: rank %d ended after %.1f s: %s%n", r, took, failed);
            if (r != 2) {
                assertTrue(failed.contains("rank 2") || failed.contains("ranks [2]"), "rank " + r + " does not name rank 2: "
                        + failed);
            }
        }
        assertTrue(took < 8 + 10 + 5, "the ranks took " + took + " s to fail with a timeout of 8 s");
    }

    @Test
    void aLinkThatComesBackBeforeTheTimeoutLosesNothing() throws Exception {
        start(150, 40, COUNT);
        awaitLine(0, "OK 2");
        assertTrue(run("ip", "-n", name + "-h1", "link", "set", "veth0", "down"));
        stillRunning();
        Thread.sleep(3000);
        assertTrue(run("ip", "-n", name + "-h1", "link", "set", "veth0", "up"));
        awaitEnd();
        everyRankDone();
    }

    @Test
    void aHostSlowedToATenthOnlySlowsTheJob() throws Exception {
        start(150, 25, COUNT / 4);
        awaitLine(0, "OK 2");
        String tbf = "tbf rate 100mbit burst 256kb latency 10ms";
        assertTrue(run(("tc -n " + name + "-h1 qdisc change dev veth0 root " + tbf).split(" ")));
        assertTrue(run(("tc qdisc change dev " + name + "-v1 root " + tbf).split(" ")));
        stillRunning();
        awaitEnd();
        everyRankDone();
    }

    /** The fault came in the middle of the loop, not after it. */
    private void stillRunning() {
        for (int r = 0; r < HOSTS; r++) {
            assertTrue(line(r, "DONE") == null, "rank " + r + " finished before the fault:\n" + outputs.get(r));
        }
    }

    private void everyRankDone() {
        for (int r = 0; r < HOSTS; r++) {
            assertTrue(line(r, "DONE") != null, "rank " + r + " did not finish:\n" + outputs.get(r));
            assertEquals(0, ranks.get(r).exitValue(), "rank " + r + ":\n" + outputs.get(r));
        }
    }

    /**
     * Starts one {@link FaultWorker} per host: {@code iterations} checked all-reduces of {@code count}
     * int32 elements, communicator timeout {@code timeout} s.
     */
    private void start(int iterations, int timeout, int count) throws IOException {
        for (int r = 0; r < HOSTS; r++) {
            ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", name + "-h" + r,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), FaultWorker.class.getName(), Integer.toString(iterations),
                    Integer.toString(count))
                    .redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("JCCL_") || k.startsWith("OMPI_") || k.equals("RANK"));
            pb.environment().put("JCCL_RANK", Integer.toString(r));
            pb.environment().put("JCCL_SIZE", Integer.toString(HOSTS));
            pb.environment().put("JCCL_RENDEZVOUS", "10.77.0.1:29500");
            pb.environment().put("JCCL_SOCKET_IFNAME", "veth0");
            pb.environment().put("JCCL_TIMEOUT", Integer.toString(timeout));
            pb.environment().put("JCCL_COST_MODEL", "default");
            Process p = pb.start();
            StringBuffer out = new StringBuffer();
            Thread drain = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = in.readLine(); l != null; l = in.readLine()) {
                        out.append(l).append('\n');
                    }
                } catch (IOException ignored) {
                    // the rank was killed: its output so far is what there is
                }
            });
            drain.setDaemon(true);
            drain.start();
            ranks.add(p);
            outputs.add(out);
        }
    }

    private void awaitLine(int rank, String line) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (line(rank, line) == null) {
            assertTrue(System.nanoTime() < deadline && ranks.get(rank).isAlive(),
                    () -> "rank " + rank + " never printed '" + line + "':\n" + outputs.get(rank));
            Thread.sleep(20);
        }
    }

    /** Waits for every rank to end, under the hard deadline; a rank still running then fails the test with every rank's output. */
    private void awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (Process p : ranks) {
            if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                StringBuilder dump = new StringBuilder("hard deadline passed with ranks running:");
                for (int r = 0; r < HOSTS; r++) {
                    dump.append("\n--- rank ").append(r).append(" ---\n").append(outputs.get(r));
                }
                throw new AssertionError(dump.toString());
            }
        }
        Thread.sleep(200); // the drains read the last lines
    }

    private String line(int rank, String prefix) {
        return outputs.get(rank).toString().lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    private boolean netns(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JCCL_CLUSTER_NAME", name);
        Process p = pb.start();
        p.getInputStream().transferTo(System.err);
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.err);
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
