package org.jccl.perf;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.jccl.Configuration;

/**
 * Runs the sweep on a shaped cluster made on this machine by {@code perf/cluster/netns.sh} (packed
 * into the jar): N network namespaces on one bridge, each link shaped to the link rate by tc tbf,
 * one rank per namespace. The script removes the namespaces when the ranks end or when this
 * process is interrupted (it is stopped with SIGTERM, which its trap handles).
 */
final class ClusterLauncher {
    /** The script's exit status when it is not run as root. */
    private static final int NOT_ROOT = 77;

    private ClusterLauncher() {
    }

    static int launch(int hosts, LinkRate rate, String transport, List<String> args, PrintStream out)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("jccl-netns", ".sh");
        try (InputStream in = ClusterLauncher.class.getResourceAsStream("netns.sh")) {
            if (in == null) {
                throw new IOException("netns.sh is not packed in this jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "run", Integer.toString(hosts), rate.text(), "--"));
        cmd.addAll(LocalLauncher.rankCommand());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // one cluster per launcher: interface names carry the process id, so two sweeps can run at once
        pb.environment().putIfAbsent("JCCL_CLUSTER_NAME", "jc" + ProcessHandle.current().pid() % 10_000_000);
        pb.environment().put(Configuration.ENV_TRANSPORT, transport);
        Process p = pb.start();
        Thread hook = new Thread(p::destroy); // SIGTERM: the script stops its ranks and removes the hosts
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            p.getInputStream().transferTo(out);
            out.flush();
            int status = p.waitFor();
            if (status == NOT_ROOT) {
                System.err.println("jccl-perf: --cluster needs root; nothing was run");
            }
            return status;
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
            Files.deleteIfExists(script);
        }
    }
}
