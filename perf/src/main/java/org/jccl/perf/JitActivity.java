package org.jccl.perf;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether this JVM's JIT compilers have worked lately. The JVM counts compilation time only when a
 * compilation ends, and one compilation can take seconds of wall time where polling ranks leave its
 * thread little of a core: a quiet counter does not mean an idle compiler. So on Linux this also
 * reads the CPU time of the compiler threads ({@code C1/C2 CompilerThread}) from {@code /proc},
 * which grows while a compilation runs.
 */
final class JitActivity {
    private static final Path TASKS = Path.of("/proc/self/task");

    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    /** Thread id to whether it is a compiler thread, read once per thread. */
    private final Map<String, Boolean> compilerThreads = new HashMap<>();
    private long compiledMillis;
    private long compilerTicks;

    JitActivity() {
        worked();
    }

    /** Whether this JVM can tell at all. */
    boolean observable() {
        return jit != null && jit.isCompilationTimeMonitoringSupported() || Files.isDirectory(TASKS);
    }

    /** Whether a compiler worked since the last call (or since this was made). */
    boolean worked() {
        long millis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        long ticks = compilerTicks();
        boolean worked = millis != compiledMillis || ticks != compilerTicks;
        compiledMillis = millis;
        compilerTicks = ticks;
        return worked;
    }

    /** User and system clock ticks of the compiler threads so far; 0 without /proc. */
    private long compilerTicks() {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                if (compilerThreads.computeIfAbsent(task.getFileName().toString(), id -> isCompiler(task))) {
                    ticks += cpuTicks(task);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or the thread ended meanwhile: the JVM's own counter still answers
        }
        return ticks;
    }

    private static boolean isCompiler(Path task) {
        try {
            return Files.readString(task.resolve("comm")).contains("CompilerThre");
        } catch (IOException e) {
            return false;
        }
    }

    /** Fields 14 and 15 of the thread's stat (utime, stime); the name before them may hold spaces, so count after its ')'. */
    private static long cpuTicks(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
