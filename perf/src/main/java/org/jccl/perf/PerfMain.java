package org.jccl.perf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jccl.Communicator;
import org.jccl.Configuration;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jccl-perf}: latency and bandwidth sweeps of the collectives, with nccl-tests' options.
 * Started by hand it launches {@code --ranks} local rank processes; started by a launcher (mpirun,
 * srun, torchrun, or with JCCL_RANK set) each process is one rank and rank 0 prints.
 */
@Command(name = "jccl-perf", mixinStandardHelpOptions = true, version = "jccl-perf 0.1.0-SNAPSHOT",
        sortOptions = false,
        description = {"Sweeps jccl collectives over message sizes and prints time, algbw and busbw per size.",
            "algbw = size / time; busbw = algbw x bus factor (nccl-tests): allreduce 2(n-1)/n; allgather,",
            "reducescatter, alltoall, gather, scatter (n-1)/n; broadcast, reduce 1. Size is the bytes of a",
            "rank's largest buffer (allgather: the gathered result; reducescatter, alltoall, scatter, gather:",
            "all blocks)."})
public final class PerfMain implements Callable<Integer> {
    private static final String[] LAUNCHER_RANK_VARS = {Configuration.ENV_RANK, "OMPI_COMM_WORLD_RANK", "PMI_RANK",
        "SLURM_PROCID", "RANK"};

    @Parameters(index = "0", arity = "0..1", defaultValue = "all", paramLabel = "<op>|all",
            description = "Collective to sweep: allreduce, broadcast, reduce, allgather, reducescatter, alltoall,"
                    + " gather, scatter, pingpong (ranks 0 and 1, one-way time), stream (rank 0 sends rank 1 64"
                    + " messages in flight, time per message, as osu_bw and ucx_perftest's tag_bw), or all (default: every collective);"
                    + " a comma list runs several. none runs nothing: with --plot it draws the --compare files alone.")
    String collective;

    @Option(names = {"-b", "--minbytes"}, defaultValue = "8", converter = SizeConverter.class,
            description = "Smallest size, e.g. 8, 64K, 1M (default ${DEFAULT-VALUE}).")
    long minBytes;

    @Option(names = {"-e", "--maxbytes"}, defaultValue = "8M", converter = SizeConverter.class,
            description = "Largest size (default ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = {"-f", "--stepfactor"}, defaultValue = "4", description = "Multiply the size by this each step (default ${DEFAULT-VALUE}).")
    double stepFactor;

    @Option(names = {"-i", "--stepbytes"}, defaultValue = "0", converter = SizeConverter.class,
            description = "Add this many bytes each step instead of multiplying.")
    long stepBytes;

    @Option(names = {"-n", "--iters"}, defaultValue = "20", description = "Timed iterations per size (default ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = {"-w", "--warmup_iters"}, defaultValue = "5", description = "Untimed iterations first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-c", "--check"}, defaultValue = "0", description = "1: verify every size's result once before timing.")
    int check;

    @Option(names = {"-o", "--op"}, defaultValue = "sum", description = "Reduce op: sum, prod, min, max, avg, band, bor, bxor.")
    String op;

    @Option(names = {"-d", "--datatype"}, defaultValue = "float32",
            description = "int8, uint8, int32, uint32, int64, uint64, float16, bfloat16, float32 (default), float64.")
    String datatype;

    @Option(names = {"-r", "--root"}, defaultValue = "0", description = "Root rank of rooted collectives.")
    int root;

    @Option(names = "--ranks", defaultValue = "4", description = "Local rank processes to start (default ${DEFAULT-VALUE}); ignored under a launcher.")
    int ranks;

    @Option(names = "--bind", defaultValue = "auto",
            description = "Local ranks: core (rank r on core r mod cores, with taskset), none, or auto (default:"
                    + " core when the ranks fit the cores, as mpirun binds).")
    String bind;

    @Option(names = "--transport", defaultValue = "tcp", description = "tcp (default), ucx or inproc.")
    String transport;

    @Option(names = "--algo", description = "Force an algorithm for the swept collectives, e.g. ring.")
    String algo;

    @Option(names = "--in-place", description = "Pass one buffer as send and receive (every rank; the root of reduce,"
            + " gather and scatter), as MPI_IN_PLACE and nccl-tests' in-place columns do.")
    boolean inPlace;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the rows to FILE as CSV (header line first).")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the run and its rows to FILE as JSON.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Draw busbw and p50 time against size to a PNG, one line per collective (and per run with --compare).")
    Path plot;

    @Option(names = "--link-rate", paramLabel = "RATE", converter = LinkRateConverter.class,
            description = "Link rate as tc writes it (100mbit, 1gbit, 25gbit): a dashed line on the plot, and the shaping of --cluster.")
    LinkRate linkRate;

    @Option(names = "--compare", paramLabel = "FILE", split = ",",
            description = "Earlier --csv or --json results (or perf/mpi's Open MPI sweep) drawn on the same --plot.")
    List<Path> compare = new ArrayList<>();

    @Option(names = "--title", description = "The plot's title (default: ranks and transport, or the compared labels).")
    String title;

    @Option(names = "--label", description = "Names this run in the CSV/JSON rows and the plot (default: the transport).")
    String label;

    @Option(names = "--cluster", paramLabel = "N", defaultValue = "0",
            description = "Run one rank per network namespace on a bridge, N \"hosts\" with links shaped to --link-rate"
                    + " by tc tbf (perf/cluster/netns.sh; needs root).")
    int cluster;

    @Option(names = "--progress", negatable = true,
            description = "A progress line on stderr during the sweep (default: when on a terminal).")
    Boolean progress;

    private final String[] rawArgs;

    PerfMain(String[] rawArgs) {
        this.rawArgs = rawArgs;
    }

    public static void main(String[] args) {
        int status = new CommandLine(new PerfMain(args)).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(status);
    }

    @Override
    public Integer call() throws Exception {
        SweepOptions options = options();
        if (options.ops().isEmpty()) {
            return drawComparedFiles();
        }
        boolean underLauncher = Arrays.stream(LAUNCHER_RANK_VARS).anyMatch(v -> System.getenv(v) != null);
        if (!underLauncher && cluster > 0) {
            return ClusterLauncher.launch(cluster, linkRate, transport, forwardedArgs(), System.out);
        }
        if (!underLauncher && !transport.equals("inproc")) {
            LocalLauncher.Binding binding;
            try {
                binding = LocalLauncher.Binding.parse(bind, ranks);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
            return LocalLauncher.launch(ranks, transport, binding, forwardedArgs(), System.out);
        }
        Map<String, String> algorithms = new HashMap<>();
        if (algo != null) {
            options.ops().forEach(o -> algorithms.put(o.cliName(), algo));
        }
        if (transport.equals("inproc") && !underLauncher) {
            return runThreads(options, algorithms);
        }
        Jccl.Builder b = Jccl.builder();
        algorithms.forEach(b::algorithm);
        if (System.getenv(Configuration.ENV_TRANSPORT) == null) {
            b.transport(transport);
        }
        try (Communicator comm = b.connect()) {
            String used = b.options().transport();
            Sweep sweep = new Sweep(comm, options, System.out, b.options().algorithms(), used, label(used), progressStream());
            long wrong = sweep.run();
            if (comm.rank() == 0) {
                writeResults(sweep, used, comm.size());
            }
            return wrong == 0 ? 0 : 2;
        } catch (JcclException e) {
            System.err.println("jccl-perf: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("jccl-perf: cannot write results: " + e.getMessage());
            return 1;
        }
    }

    private int runThreads(SweepOptions options, Map<String, String> algorithms) throws InterruptedException {
        String store = "mem:perf-" + System.nanoTime();
        int[] status = new int[ranks];
        Thread[] threads = new Thread[ranks];
        for (int r = 0; r < ranks; r++) {
            int rank = r;
            threads[r] = new Thread(() -> {
                Jccl.Builder b = Jccl.builder().rank(rank).size(ranks).transport("inproc").rendezvous(store);
                algorithms.forEach(b::algorithm);
                try (Communicator comm = b.connect()) {
                    PrintStream out = rank == 0 ? System.out : new PrintStream(PrintStream.nullOutputStream());
                    Sweep sweep = new Sweep(comm, options, out, b.options().algorithms(), "inproc", label("inproc"),
                            progressStream());
                    status[rank] = sweep.run() == 0 ? 0 : 2;
                    if (rank == 0) {
                        writeResults(sweep, "inproc", ranks);
                    }
                } catch (JcclException e) {
                    System.err.println("jccl-perf: " + e.getMessage());
                    status[rank] = 1;
                } catch (IOException e) {
                    System.err.println("jccl-perf: cannot write results: " + e.getMessage());
                    status[rank] = 1;
                }
            }, "jccl-perf-rank-" + r);
            threads[r].start();
        }
        int worst = 0;
        for (int r = 0; r < ranks; r++) {
            threads[r].join();
            worst = Math.max(worst, status[r]);
        }
        return worst;
    }

    /**
     * The arguments each rank process gets: this command line, with the progress decision made
     * here, where the terminal is (a rank's output is a pipe).
     */
    private List<String> forwardedArgs() {
        List<String> args = new ArrayList<>(List.of(rawArgs));
        if (progress == null) {
            args.add(System.console() != null ? "--progress" : "--no-progress");
        }
        return args;
    }

    private PrintStream progressStream() {
        boolean on = progress != null ? progress : System.console() != null;
        return on ? System.err : null;
    }

    private String label(String usedTransport) {
        return label != null ? label : usedTransport;
    }

    /** Rank 0, after the sweep: the --csv, --json and --plot files. */
    private void writeResults(Sweep sweep, String usedTransport, int size) throws IOException {
        List<SweepRow> rows = sweep.rows();
        if (csv != null) {
            ResultFiles.writeCsv(csv, rows);
        }
        if (json != null) {
            ResultFiles.writeJson(json, new ResultFiles.Run("jccl-perf", usedTransport, size, inPlace,
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), Sweep.hostName(),
                    Runtime.getRuntime().availableProcessors(), rows));
        }
        if (plot != null) {
            List<SweepRow> all = new ArrayList<>(rows);
            all.addAll(comparedRows());
            String heading = title != null ? title : String.format(Locale.ROOT, "jccl-perf: %d ranks over %s%s", size,
                    usedTransport, cluster > 0 ? ", one per host, links shaped to " + linkRate.text() : "");
            SweepChart.writePng(plot, heading, all, linkRate);
        }
    }

    private List<SweepRow> comparedRows() throws IOException {
        List<SweepRow> rows = new ArrayList<>();
        for (Path p : compare) {
            rows.addAll(ResultFiles.read(p));
        }
        return rows;
    }

    private int drawComparedFiles() throws IOException {
        List<SweepRow> rows = comparedRows();
        String title = this.title != null ? this.title
                : rows.stream().map(SweepRow::label).distinct().collect(Collectors.joining(" vs "));
        SweepChart.writePng(plot, title, rows, linkRate);
        return 0;
    }

    SweepOptions options() {
        List<BenchOp> ops = new ArrayList<>();
        if (collective.equalsIgnoreCase("none")) {
            if (plot == null || compare.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "'none' needs --plot and --compare");
            }
        } else if (collective.equalsIgnoreCase("all")) {
            Arrays.stream(BenchOp.values()).filter(b -> !b.pointToPoint()).forEach(ops::add);
        } else {
            for (String c : collective.split(",")) {
                ops.add(parse(() -> BenchOp.parse(c)));
            }
        }
        DataType t = parse(() -> DataType.valueOf(datatype.toUpperCase(Locale.ROOT)));
        ReduceOp rop = parse(() -> ReduceOp.valueOf(op.toUpperCase(Locale.ROOT)));
        if (minBytes < 0 || maxBytes < minBytes) {
            throw new CommandLine.ParameterException(new CommandLine(this), "need 0 <= minbytes <= maxbytes");
        }
        if (stepFactor <= 1 && stepBytes <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "stepfactor must be above 1, or give stepbytes");
        }
        if (iters < 1 || warmup < 0 || ranks < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "need iters >= 1, warmup_iters >= 0, ranks >= 1");
        }
        if (check != 0 && (rop == ReduceOp.PROD || rop == ReduceOp.AVG)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--check supports sum, min, max, band, bor, bxor");
        }
        if (cluster < 0 || (cluster > 0 && linkRate == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--cluster N needs N >= 1 and a --link-rate");
        }
        for (Path p : compare) {
            if (!Files.isReadable(p)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--compare: cannot read " + p);
            }
        }
        return new SweepOptions(ops, minBytes, maxBytes, stepFactor, stepBytes, iters, warmup, check != 0, t, rop, root,
                inPlace);
    }

    private <T> T parse(Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    /** Reads link rates such as 1gbit (see {@link LinkRate}). */
    static final class LinkRateConverter implements CommandLine.ITypeConverter<LinkRate> {
        @Override
        public LinkRate convert(String value) {
            try {
                return LinkRate.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads sizes like 8, 64K, 1M, 2G (powers of 1024). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toUpperCase(Locale.ROOT);
            long mult = 1;
            if (v.endsWith("B")) {
                v = v.substring(0, v.length() - 1);
            }
            switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                default -> mult = 1;
            }
            if (mult > 1) {
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.round(Double.parseDouble(v) * mult);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 8, 64K, 1M, 2G)");
            }
        }
    }
}
