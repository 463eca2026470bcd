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
 */
final class LocalLauncher {
    private LocalLauncher() {
    }

    /** Runs {@code args} as {@code ranks} processes and returns the first non-zero exit status, or 0. */
    static int launch(int ranks, String transport, List<String> args, PrintStream out) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<Process> procs = new ArrayList<>();
        Thread hook = new Thread(() -> procs.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (int r = 0; r < ranks; r++) {
                List<String> cmd = rankCommand();
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

    /** This JVM's java, with its {@code jccl.*} tunables and class path, running {@link PerfMain}. */
    static List<String> rankCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
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
