package org.jccl.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        assertEquals(BenchOp.values().length - 2, parse().ops().size(), "every collective (not pingpong or stream) by default");
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
        String out = runInProcess("all", "--transport", "inproc", "--ranks", "3", "-b", "8", "-e", "64K", "-f", "8", "-c", "1",
                "-n", "3", "-w", "1", "-d", "int32");
        List<String> rows = dataRows(out);
        assertEquals((BenchOp.values().length - 2) * 5, rows.size(), out); // 8 B .. 32 KiB by 8x
        for (String row : rows) {
            assertTrue(row.trim().endsWith(" 0"), "a checked row with wrong elements: " + row);
        }
    }

    @Test
    void pointToPointOpsAreCheckedAndReportOneMessagesTime() {
        String out = runInProcess("pingpong,stream", "--transport", "inproc", "--ranks", "3", "-b", "1", "-e", "1M", "-f", "16",
                "-c", "1", "-n", "3", "-w", "1", "-d", "int8");
        List<String> rows = dataRows(out);
        assertEquals(2 * 6, rows.size(), out); // 1 B .. 1 MiB by 16x
        for (String row : rows) {
            assertTrue(row.trim().endsWith(" 0"), "a checked row with wrong elements: " + row);
        }
        assertTrue(out.contains("sendAsync x" + BenchOp.STREAM_WINDOW), out);
        assertTrue(out.contains("time per message, " + BenchOp.STREAM_WINDOW + " in flight"), out);
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

    @Test
    void newOptionsAreReadAndCheckedBeforeAnythingRuns() {
        PerfMain m = new PerfMain(new String[0]);
        new CommandLine(m).parseArgs("--in-place", "--csv", "a.csv", "--json", "a.json", "--plot", "a.png", "--link-rate", "1gbit",
                "--label", "mine", "--no-progress");
        assertTrue(m.options().inPlace());
        assertEquals(Path.of("a.csv"), m.csv);
        assertEquals(0.125, m.linkRate.gigabytesPerSecond(), 1e-12);
        assertEquals("mine", m.label);
        assertEquals(Boolean.FALSE, m.progress);
        assertThrows(CommandLine.ParameterException.class, () -> parse("--cluster", "4"), "a cluster needs a link rate");
        assertThrows(CommandLine.ParameterException.class, () -> parse("--compare", "/nonexistent/run.csv"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--link-rate", "fast"));
    }

    @Test
    void linkRatesUseTcUnits() {
        assertEquals(0.125, LinkRate.parse("1gbit").gigabytesPerSecond(), 1e-12);
        assertEquals(12.5e6, LinkRate.parse("100mbit").bytesPerSecond(), 1e-6);
        assertEquals(3.125, LinkRate.parse("25Gbit").gigabytesPerSecond(), 1e-12);
        assertEquals(3.0, LinkRate.parse("3gbps").gigabytesPerSecond(), 1e-12, "tc's bps is bytes per second");
        assertEquals(1250.0, LinkRate.parse("10kbit").bytesPerSecond(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> LinkRate.parse("1 gigabit"));
        assertThrows(IllegalArgumentException.class, () -> LinkRate.parse("0gbit"));
    }

    /**
     * An in-place sweep of every collective at 5 ranks, checked, with every output file: the CSV
     * and JSON hold the rows the table printed, read back equal, and the plot is a real PNG.
     */
    @Test
    void anInPlaceSweepWritesCsvJsonAndPlot(@TempDir Path dir) throws Exception {
        assumeFontsToDrawWith();
        Path csv = dir.resolve("run.csv");
        Path json = dir.resolve("run.json");
        Path png = dir.resolve("run.png");
        String out = runInProcess("all", "--transport", "inproc", "--ranks", "5", "-b", "40", "-e", "40K", "-f", "32", "-c", "1",
                "-n", "3", "-w", "1", "-d", "float64", "-o", "max", "--in-place", "--label", "in-place test", "--csv", csv.toString(),
                "--json", json.toString(), "--plot", png.toString(), "--link-rate", "10gbit");
        assertTrue(out.contains(", in place"), out);
        List<String> rows = dataRows(out);
        assertEquals((BenchOp.values().length - 2) * 3, rows.size(), out); // 40 B, 1280 B, 40 KiB
        rows.forEach(r -> assertTrue(r.trim().endsWith(" 0"), "a checked in-place row with wrong elements: " + r));

        List<String> csvLines = Files.readAllLines(csv);
        assertEquals("label,op,ranks,size,count,type,redop,root,algorithm,inPlace,avgUs,p50Us,p99Us,maxUs,algbwGBs,busbwGBs,wrong,modelUs",
                csvLines.get(0));
        assertEquals(rows.size() + 1, csvLines.size());
        List<SweepRow> fromCsv = ResultFiles.read(csv);
        List<SweepRow> fromJson = ResultFiles.read(json);
        assertEquals(fromCsv, fromJson, "CSV and JSON hold the same rows");
        for (int i = 0; i < rows.size(); i++) {
            String[] printed = rows.get(i).trim().split("\\s+");
            SweepRow r = fromCsv.get(i);
            assertEquals(Long.parseLong(printed[0]), r.size(), rows.get(i));
            assertEquals(printed[5], r.algorithm(), rows.get(i));
            assertEquals(Double.parseDouble(printed[7]), r.p50Us(), 0.006, rows.get(i));
            assertEquals(0L, r.wrong());
            assertEquals("in-place test", r.label());
            assertEquals(5, r.ranks());
            assertEquals(!r.op().equals("broadcast"), r.inPlace(), r.toString());
            assertTrue(r.busbwGBs() >= 0 && r.p50Us() > 0 && r.maxUs() >= r.p50Us(), r.toString());
        }
        JsonNode run = new ObjectMapper().readTree(json.toFile());
        assertEquals(5, run.get("ranks").asInt());
        assertEquals("inproc", run.get("transport").asText());
        assertTrue(run.get("inPlace").asBoolean());

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        assertEquals(800, image.getHeight());
        long colours = java.util.stream.IntStream.range(0, 200)
                .map(k -> image.getRGB(100 + k * 4, 200 + (k % 40) * 10)).distinct().count();
        assertTrue(colours > 2, "the plot is more than a blank page");
    }

    @Test
    void comparedRunsGetTheirOwnLines(@TempDir Path dir) throws Exception {
        assumeFontsToDrawWith();
        Path earlier = dir.resolve("earlier.csv");
        ResultFiles.writeCsv(earlier, List.of(
                new SweepRow("Open MPI", "allreduce", 2, 8, 2, "float32", "sum", "-", "default", false, 9, 8, 12, 12, 0.001, 0.001, null, null),
                new SweepRow("Open MPI", "allreduce", 2, 1024, 256, "float32", "sum", "-", "default", false, 20, 19, 25, 25, 0.05, 0.05, null, null)));
        List<SweepRow> back = ResultFiles.read(earlier);
        assertEquals(2, back.size());
        assertEquals(null, back.get(0).wrong(), "an unchecked row reads back unchecked");
        Path png = dir.resolve("both.png");
        runInProcess("allreduce", "--transport", "inproc", "--ranks", "2", "-b", "8", "-e", "1K", "-f", "128", "-n", "2", "-w", "0",
                "--plot", png.toString(), "--compare", earlier.toString());
        assertTrue(Files.size(png) > 10_000, "a drawn PNG");
    }

    /** Drawing text needs a font; a JDK without fontconfig and one font cannot draw the plot. */
    private static void assumeFontsToDrawWith() {
        System.setProperty("java.awt.headless", "true");
        boolean fonts;
        try {
            fonts = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length > 0;
        } catch (RuntimeException | Error e) {
            fonts = false;
        }
        if (!fonts) {
            System.err.println("SKIPPED LOUDLY: no fonts here (Debian: fontconfig fonts-dejavu-core); the plot tests did not run");
        }
        assumeTrue(fonts, "SKIPPED LOUDLY: no fonts to draw the plot with (Debian: fontconfig fonts-dejavu-core)");
    }

    private static String runInProcess(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            status = new CommandLine(new PerfMain(args)).execute(args);
        } finally {
            System.setOut(saved);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        return out;
    }

    private static List<String> dataRows(String out) {
        return out.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    }
}
