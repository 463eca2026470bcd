package org.jccl.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Ranks as separate JVMs ({@link TckWorker}) on this machine, started with this JVM's class path.
 * Under the hard deadline each still-running rank is asked for its state, then killed.
 */
public final class ProcessRanks implements RankLauncher {
    /** How UCX marks a warning (e.g. a message left unmatched, a descriptor not returned to its pool). */
    private static final Pattern NATIVE_WARNING = Pattern.compile("UCX\\s+WARN");
    private final String transport;
    private final List<String> jvmArgs;
    private final Map<String, String> environment;
    private final Duration timeout;

    public ProcessRanks(String transport, List<String> jvmArgs) {
        this(transport, jvmArgs, Map.of());
    }

    /** Ranks whose processes also get {@code environment} (e.g. a native library's settings). */
    public ProcessRanks(String transport, List<String> jvmArgs, Map<String, String> environment) {
        this(transport, jvmArgs, environment, TestPorts.timeout());
    }

    private ProcessRanks(String transport, List<String> jvmArgs, Map<String, String> environment, Duration timeout) {
        this.transport = transport;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /** The same ranks with the communicator timeout {@code t} (whole seconds), which also reaches them as JCCL_TIMEOUT. */
    public ProcessRanks withTimeout(Duration t) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("JCCL_TIMEOUT", Long.toString(t.toSeconds()));
        return new ProcessRanks(transport, jvmArgs, env, t);
    }

    @Override
    public List<String> run(int ranks, Map<String, String> algorithms, List<TckCase> cases) {
        String rendezvous = "127.0.0.1:" + TestPorts.freePort();
        String algos = algorithms.isEmpty() ? "-" : algorithms.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
        Process[] procs = new Process[ranks];
        StringBuilder[] outputs = new StringBuilder[ranks];
        Thread[] readers = new Thread[ranks];
        List<String> failures = new ArrayList<>();
        try {
            for (int r = 0; r < ranks; r++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.add("-Xmx256m");
                // short-lived ranks on 2 cores: start fast, keep the collector out of the way
                cmd.add("-XX:TieredStopAtLevel=1");
                cmd.add("-XX:+UseSerialGC");
                cmd.addAll(jvmArgs);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(TckWorker.class.getName());
                cmd.addAll(List.of(transport, rendezvous, Integer.toString(r), Integer.toString(ranks),
                        Long.toString(timeout.toSeconds()), algos));
                cases.forEach(c -> cmd.add(c.encode()));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().putAll(environment);
                procs[r] = pb.start();
                outputs[r] = new StringBuilder();
                readers[r] = drain(procs[r].getInputStream(), outputs[r], r);
            }
            long deadline = System.nanoTime() + TestPorts.deadline().toNanos();
            boolean hung = false;
            for (Process p : procs) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    hung = true;
                    break;
                }
            }
            if (hung) {
                for (Process p : procs) {
                    if (p.isAlive()) {
                        askStatus(p);
                    }
                }
                Thread.sleep(2000);
            }
            for (int r = 0; r < ranks; r++) {
                procs[r].destroyForcibly();
                procs[r].waitFor(10, TimeUnit.SECONDS);
                readers[r].join(5000);
            }
            if (hung) {
                StringBuilder dump = new StringBuilder("hard deadline of " + TestPorts.deadline().toSeconds()
                        + " s passed with " + transport + " rank processes still running:");
                for (int r = 0; r < ranks; r++) {
                    dump.append("\n--- rank ").append(r).append(" ---\n").append(tail(outputs[r]));
                }
                throw new AssertionError(dump.toString());
            }
            boolean anyHalted = false;
            for (int r = 0; r < ranks; r++) {
                anyHalted |= procs[r].exitValue() == TckCase.HALT_STATUS;
            }
            for (int r = 0; r < ranks; r++) {
                String out;
                synchronized (outputs[r]) {
                    out = outputs[r].toString();
                }
                out.lines().filter(l -> l.startsWith("FAIL ")).forEach(l -> failures.add(l.substring(5)));
                if (!anyHalted) {
                    // a job that ends in order leaves nothing behind: no native library warns at close
                    int rank = r;
                    out.lines().filter(l -> NATIVE_WARNING.matcher(l).find())
                            .forEach(l -> failures.add("rank " + rank + " printed a warning: " + l));
                }
                boolean halted = procs[r].exitValue() == TckCase.HALT_STATUS && out.contains("HALTING rank " + r);
                if (procs[r].exitValue() != 0 && !halted && failures.isEmpty()) {
                    failures.add("rank " + r + " exited with " + procs[r].exitValue() + ":\n" + tail(outputs[r]));
                }
            }
            return failures;
        } catch (IOException e) {
            throw new AssertionError("cannot start rank processes: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            for (Process p : procs) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static void askStatus(Process p) {
        try {
            OutputStream in = p.getOutputStream();
            in.write("status\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            // the rank died meanwhile; its output says why
        }
    }

    private static Thread drain(InputStream in, StringBuilder out, int rank) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (out) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "tck-output-" + rank);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String tail(StringBuilder sb) {
        synchronized (sb) {
            return sb.length() <= 20000 ? sb.toString() : "..." + sb.substring(sb.length() - 20000);
        }
    }
}
