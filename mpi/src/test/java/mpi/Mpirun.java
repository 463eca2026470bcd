package mpi;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Java programs under Debian's mpirun, as a user would, with no jccl variable set. */
final class Mpirun {
    /** What a run printed and how it ended. */
    record Result(int exit, String out) {
    }

    private Mpirun() {
    }

    /** Skips the calling test, loudly, where mpirun is missing; CI installs openmpi-bin. */
    static void assumePresent(String what) {
        boolean present = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            present |= new File(dir, "mpirun").canExecute();
        }
        String message = "SKIPPED LOUDLY: mpirun is not installed here (Debian: openmpi-bin); " + what + " did not run";
        if (!present) {
            System.err.println(message);
        }
        assumeTrue(present, message);
    }

    /** {@code mpirun -np ranks java -cp classPath main} in {@code dir}, under a deadline of two minutes. */
    static Result java(int ranks, String classPath, String main, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "-np",
                String.valueOf(ranks), Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, main));
        return run(cmd, dir);
    }

    /** Runs {@code cmd} in {@code dir} with jccl's and torchrun's variables removed and a 20 s collective timeout. */
    static Result run(List<String> cmd, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JCCL_") || k.startsWith("MASTER_") || k.equals("RANK")
                || k.equals("WORLD_SIZE"));
        pb.environment().put("JCCL_TIMEOUT", "20");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        assertTrue(ended, String.join(" ", cmd) + " did not end:\n" + out);
        return new Result(p.exitValue(), out);
    }
}
