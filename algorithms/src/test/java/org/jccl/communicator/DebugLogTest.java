package org.jccl.communicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What jccl logs, read from the standard error of a small job in a JVM of its own (the log levels
 * are read once per process): JCCL_DEBUG's three levels, quiet by default, and SLF4J when a backend
 * is there.
 */
class DebugLogTest {
    private static final String CREATED = "rank 0/2: communicator over inproc";
    private static final String COLLECTIVE = "rank 1: allReduce #";
    private static final String MESSAGE = " B to rank 1";

    @Test
    void traceLogsEachCommunicatorCollectiveAndMessageToStandardError() throws Exception {
        String err = run(Map.of("JCCL_DEBUG", "TRACE"), false);
        assertTrue(err.contains("jccl INFO " + CREATED), err);
        assertTrue(err.contains("jccl INFO rank 0/2") && err.contains("algorithms: broadcast "), err);
        assertTrue(err.lines().anyMatch(l -> l.startsWith("jccl DEBUG " + COLLECTIVE) && l.contains(" took ")), err);
        assertTrue(err.lines().anyMatch(l -> l.startsWith("jccl TRACE rank 0: allReduce #") && l.endsWith(MESSAGE)), err);
    }

    @Test
    void infoLogsOnlyTheCommunicators() throws Exception {
        String err = run(Map.of("JCCL_DEBUG", "info"), false);
        assertEquals(2, err.lines().filter(l -> l.startsWith("jccl INFO rank ")).count(), err);
        assertFalse(err.contains("jccl DEBUG") || err.contains("jccl TRACE"), err);
    }

    @Test
    void withoutJcclDebugOrABackendNothingIsPrinted() throws Exception {
        assertEquals("", run(Map.of(), false));
    }

    @Test
    void withoutJcclDebugAnSlf4jBackendGetsTheLines() throws Exception {
        String err = run(Map.of(), true, "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
        assertTrue(err.lines().anyMatch(l -> l.contains("org.jccl.communicator.TransportCommunicator - " + CREATED)), err);
        assertTrue(err.lines().anyMatch(l -> l.contains("org.jccl.communicator.CallRunner - " + COLLECTIVE)), err);
        assertFalse(err.contains(MESSAGE), err);
    }

    /** Runs {@link DebugLogDemo} and returns its standard error, with or without SLF4J's simple backend on the class path. */
    private static String run(Map<String, String> env, boolean backend, String... jvmArgs) throws IOException,
            InterruptedException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> backend || !e.contains("slf4j-simple")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath));
        cmd.addAll(List.of(jvmArgs));
        cmd.add(DebugLogDemo.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JCCL_DEBUG");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the job did not end within 60 s");
        assertEquals(0, p.exitValue(), () -> new String(err, StandardCharsets.UTF_8));
        return new String(err, StandardCharsets.UTF_8);
    }
}
