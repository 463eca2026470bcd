package org.jccl.perf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jccl.Configuration;

/**
 * Starts N rank processes of this same program on this machine, over loopback: each gets
 * {@code JCCL_RANK}, {@code JCCL_SIZE} and a {@code JCCL_RENDEZVOUS} on a free port. Rank 0's output
 * is this process's output; every rank's errors reach stderr. When one rank fails, the rest are
 * stopped, so nothing is left running.
 *
 * <p>Like mpirun, it binds each rank to a core when the ranks fit the cores: two unbound JVMs that
 * poll for each other's messages were seen to share one core for whole runs (a 2-rank 8 B
 * all-reduce at 80-120 µs instead of 12-18 µs), as the scheduler places a woken thread beside
 * its waker.
 */
final class LocalLauncher {
    /** Whether rank processes are bound to cores. */
    enum Binding {
        CORE, NONE;

        /** {@code core}, {@code none}, or {@code auto}: core when {@code ranks} fit this machine's cores and taskset is there. */
        static Binding parse(String s, int ranks) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "core" -> CORE;
                case "none" -> NONE;
                case "auto" -> ranks <= Runtime.getRuntime().availableProcessors() && taskset() != null ? CORE : NONE;
                default -> throw new IllegalArgumentException("--bind takes core, none or auto, not " + s);
            };
        }
    }

    private LocalLauncher() {
    }

    /** The taskset program (util-linux), or null where there is none. */
    static String taskset() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "taskset");
            if (java.nio.file.Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Runs {@code args} as {@code ranks} processes and returns the first non-zero exit status, or 0. */
    static int launch(int ranks, String transport, Binding binding, List<String> args, PrintStream out)
            throws IOException, InterruptedException {
        String taskset = binding == Binding.CORE ? taskset() : null;
        if (binding == Binding.CORE && taskset == null) {
            throw new IllegalStateException("--bind core needs taskset (Debian: util-linux)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<Process> procs = new ArrayList<>();
        Thread hook = new Thread(() -> procs.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (int r = 0; r < ranks; r++) {
                List<String> cmd = new ArrayList<>();
                if (taskset != null) {
                    cmd.addAll(List.of(taskset, "-c", Integer.toString(r % cores)));
                }
                cmd.addAll(rankCommand());
                cmd.addAll(args);
                ProcessBuilder pb = new ProcessBuilder(cmd);
                Map<String, String> env = pb.environment();
                env.put(Configuration.ENV_RANK, Integer.toString(r));
                env.put(Configuration.ENV_SIZE, Integer.toString(ranks));
                env.put(Configuration.ENV_RENDEZVOUS, "127.0.0.1:" + port);
                env.put(Configuration.ENV_TRANSPORT, transport);
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                if (r != 0) {
                    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                }
                procs.add(pb.start());
            }
            Thread relay = relay(procs.get(0).getInputStream(), out);
            int status = 0;
            boolean running = true;
            while (running) {
                running = false;
                for (Process p : procs) {
                    if (p.isAlive()) {
                        running = true;
                    } else if (p.exitValue() != 0 && status == 0) {
                        status = p.exitValue();
                        procs.forEach(Process::destroyForcibly);
                    }
                }
                if (running) {
                    Thread.sleep(50);
                }
            }
            relay.join(5000);
            return status;
        } finally {
            procs.forEach(Process::destroyForcibly);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /**
     * JVM options of every rank this tool starts: a 256 MiB heap committed and written once at
     * start-up. A rank's first pass through fresh heap memory pays a page fault per page, and on
     * a VM whose page faults and context switches go through the hypervisor that pass made 4 ranks'
     * 16 B allreduce over shared memory take 170-230 us p50 for the first 10-15 s of a run, against
     * 33-45 us once the young generation had been used once (or with these options from the first
     * row). A long job reaches that steady state by itself; the sweep measures it.
     */
    static final List<String> RANK_JVM_OPTIONS = List.of("-Xms256m", "-XX:+AlwaysPreTouch");

    /** This JVM's java, with its {@code jccl.*} tunables and class path, running {@link PerfMain}. */
    static List<String> rankCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(RANK_JVM_OPTIONS);
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jccl.")) {
                cmd.add("-D" + name + "=" + System.getProperty(name)); // tunables reach every rank
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PerfMain.class.getName()));
        return cmd;
    }

    private static Thread relay(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
                out.flush();
            } catch (IOException e) {
                // the rank ended; its status says how
            }
        }, "jccl-perf-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
