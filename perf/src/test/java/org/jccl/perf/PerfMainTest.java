package org.jccl.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PerfMainTest {
    private static SweepOptions parse(String... args) {
        PerfMain m = new PerfMain(args);
        new CommandLine(m).parseArgs(args);
        return m.options();
    }

    @Test
    void ncclTestsOptionsAreRead() {
        SweepOptions o = parse("allreduce,allgather", "-b", "1K", "-e", "1M", "-f", "4", "-n", "7", "-w", "2", "-c", "1",
                "-o", "max", "-d", "bfloat16", "-r", "1");
        assertEquals(List.of(BenchOp.ALLREDUCE, BenchOp.ALLGATHER), o.ops());
        assertEquals(List.of(1024L, 4096L, 16384L, 65536L, 262144L, 1048576L), o.sizes());
        assertEquals(7, o.iters());
        assertEquals(2, o.warmup());
        assertTrue(o.check());
        assertEquals(ReduceOp.MAX, o.op());
        assertEquals(DataType.BFLOAT16, o.type());
        assertEquals(1, o.root());
        assertEquals(List.of(8L, 108L, 208L), parse("-b", "8", "-e", "300", "-i", "100").sizes());
        assertEquals(BenchOp.values().length - 1, parse().ops().size(), "every collective (not pingpong) by default");
        assertEquals(List.of(BenchOp.PINGPONG), parse("pingpong").ops());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("allfoo"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("-d", "float128"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("-b", "1M", "-e", "1K"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("-c", "1", "-o", "prod"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("-b", "lots"));
    }

    @Test
    void sizesTakeBinarySuffixes() {
        PerfMain.SizeConverter c = new PerfMain.SizeConverter();
        assertEquals(8L, c.convert("8"));
        assertEquals(65536L, c.convert("64K"));
        assertEquals(1572864L, c.convert("1.5M"));
        assertEquals(1L << 30, c.convert("1GB"));
    }

    @Test
    void busFactorsAreNcclTests() {
        assertEquals(1.5, BenchOp.ALLREDUCE.busFactor(4));
        assertEquals(0.75, BenchOp.ALLGATHER.busFactor(4));
        assertEquals(0.75, BenchOp.REDUCESCATTER.busFactor(4));
        assertEquals(0.75, BenchOp.ALLTOALL.busFactor(4));
        assertEquals(1.0, BenchOp.BROADCAST.busFactor(4));
        assertEquals(1.0, BenchOp.REDUCE.busFactor(4));
    }

    @Test
    void aCheckedInProcessSweepFindsNothingWrong() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            String[] args = {"all", "--transport", "inproc", "--ranks", "3", "-b", "8", "-e", "64K", "-f", "8", "-c", "1",
                "-n", "3", "-w", "1", "-d", "int32"};
            status = new CommandLine(new PerfMain(args)).execute(args);
        } finally {
            System.setOut(saved);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        List<String> rows = dataRows(out);
        assertEquals((BenchOp.values().length - 1) * 5, rows.size(), out); // 8 B .. 32 KiB by 8x
        for (String row : rows) {
            assertTrue(row.trim().endsWith(" 0"), "a checked row with wrong elements: " + row);
        }
    }

    @Test
    void theLocalLauncherRunsRanksAsProcessesOverTcp() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PerfMain.class.getName(), "allreduce", "--ranks", "3",
                "-b", "8", "-e", "1M", "-f", "32", "-c", "1", "-n", "3", "-w", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JCCL_") || k.startsWith("OMPI_") || k.equals("RANK"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("# jccl-perf: 3 ranks over tcp"), out);
        List<String> rows = dataRows(out);
        assertEquals(List.of("8", "256", "8192", "262144"), rows.stream().map(r -> r.trim().split("\\s+")[0]).toList(), out);
        for (String row : rows) {
            String[] f = row.trim().split("\\s+");
            assertEquals("0", f[f.length - 1], row);
            if (Long.parseLong(f[0]) >= 8192) {
                assertNotEquals("0.000", f[f.length - 2], "busbw of " + row);
            }
        }
    }

    private static List<String> dataRows(String out) {
        return out.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    }
}
