package org.jccl.transport.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a class's main in a fresh JVM on this test's class path: UCX reads some settings once per process. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Runs {@code main} with this process's environment as {@code edit} leaves it; asserts it exits 0, returns what it printed. */
    static String run(Class<?> main, Consumer<Map<String, String>> edit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName())).redirectErrorStream(true);
        edit.accept(pb.environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
