package org.jccl.perf;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.algorithms.Collective;
import org.jccl.communicator.TransportCommunicator;

/**
 * Runs a sweep on one rank. Every iteration is timed on its own; the time of an iteration is the
 * slowest rank's (a max-reduction over ranks after the loop), and rank 0 prints avg, p50, p99 and
 * max of those, algbw and busbw, as nccl-tests does.
 */
final class Sweep {
    /** Bytes per op and size the warm-up pass moves at most. */
    private static final long WARM_UP_BYTES = 8L << 20;
    /** Time per op and size the warm-up pass takes at most (rank 0's clock). */
    private static final long WARM_UP_NANOS = 400_000_000L;
    /** Time the warm-up pass takes at most after the last size, while some rank's JIT still compiles. */
    private static final long JIT_SETTLE_NANOS = 15_000_000_000L;
    /** Bytes per op and size in one batch of the wait for the JIT to settle. */
    private static final long SETTLE_BATCH_BYTES = 1L << 20;
    /** How long no rank's JIT must have finished a compilation before it counts as settled (rank 0's clock). */
    private static final long JIT_QUIET_NANOS = 500_000_000L;
    /** Significant digits of the histograms of iteration times. */
    private static final int HISTOGRAM_DIGITS = 3;
    /** Calls between two decisions to go on warming up. */
    private static final int WARM_UP_BATCH = 100;

    private final Communicator comm;
    private final SweepOptions o;
    private final PrintStream out;
    private final AlgorithmSelector selector;
    private final String transport;
    private final String label;
    private final PrintStream progress;
    private final List<SweepRow> rows = new ArrayList<>();
    private long lastProgressNanos = System.nanoTime();
    private ByteBuffer sendArea;
    private ByteBuffer recvArea;

    /**
     * @param label    names the run in the rows ({@code --label}, else the transport)
     * @param progress where rank 0 keeps a one-line progress report, or null for none
     */
    Sweep(Communicator comm, SweepOptions options, PrintStream out, Map<String, String> algorithms, String transport,
          String label, PrintStream progress) {
        this.comm = comm;
        this.o = options;
        this.out = out;
        // the communicator's own: it holds the cost model the ranks agreed on at start-up
        this.selector = comm instanceof TransportCommunicator t ? t.selector() : new AlgorithmSelector(algorithms, comm.rank());
        this.transport = transport;
        this.label = label;
        this.progress = comm.rank() == 0 ? progress : null;
    }

    /** The rows measured so far (rank 0 only; other ranks keep none). */
    List<SweepRow> rows() {
        return rows;
    }

    /** Runs every op over every size; returns the number of wrong elements seen (0 without --check). */
    long run() {
        if (comm.rank() == 0) {
            header();
        }
        List<WarmUpCall> warmUp = warmUpCalls();
        warmUp(warmUp);
        rehearse();
        settleJit(warmUp);
        long wrong = 0;
        for (BenchOp op : o.ops()) {
            if (!runs(op)) {
                continue;
            }
            if (comm.rank() == 0) {
                out.printf(Locale.ROOT, "#%n# %s, busbw = algbw x %s%n", op.cliName(), op.busFormula());
                out.printf(Locale.ROOT, "# %12s %12s %8s %6s %5s %-22s %10s %10s %10s %10s %11s %11s %10s %7s%n",
                        "size(B)", "count", "type", "redop", "root", "algorithm", "time(us)", "p50(us)", "p99(us)",
                        "max(us)", "algbw(GB/s)", "busbw(GB/s)", "model(us)", "#wrong");
            }
            List<Long> sizes = o.sizes();
            for (int k = 0; k < sizes.size(); k++) {
                report(op, k, sizes.size(), sizes.get(k));
                wrong += measure(op, sizes.get(k), true);
            }
        }
        if (progress != null) {
            progress.print("\r\033[K");
            progress.flush();
        }
        return wrong;
    }

    /** Rewrites the progress line, at most every half second so that it costs nothing. */
    private void report(BenchOp op, int index, int count, long size) {
        long now = System.nanoTime();
        if (progress == null || now - lastProgressNanos < 500_000_000L) {
            return;
        }
        lastProgressNanos = now;
        progress.printf(Locale.ROOT, "\r\033[K# %s %d B (size %d of %d)", op.cliName(), size, index + 1, count);
        progress.flush();
    }

    /**
     * Runs every op at a small, a medium and a large size before anything is timed, so that the rows
     * measure the collectives rather than the JIT compiler: in batches, until the JIT has seen enough
     * calls or a time budget is spent, as rank 0 decides for all after each batch.
     */
    private void warmUp(List<WarmUpCall> warmUp) {
        ByteBuffer more = ByteBuffer.allocateDirect(1);
        for (WarmUpCall w : warmUp) {
            long start = System.nanoTime();
            for (long done = 0; done < w.calls(); ) {
                for (long i = Math.min(WARM_UP_BATCH, w.calls() - done); i > 0; i--, done++) {
                    call(w);
                }
                more.put(0, (byte) (System.nanoTime() - start < WARM_UP_NANOS ? 1 : 0));
                comm.broadcast(more, 0);
                if (more.get(0) == 0) {
                    break;
                }
            }
        }
    }

    /** One op at one size of the warm-up, with its buffers and how many calls warm it up. */
    private record WarmUpCall(BenchOp op, long size, BenchOp.Buffers buffers, long calls) {
    }

    private void call(WarmUpCall w) {
        w.op().run(comm, w.buffers(), o.type(), o.op(), o.root());
    }

    /**
     * Every op that can run at a large, a medium and the smallest size of the sweep, largest first:
     * what runs last before the timed rows is the smallest size, which is also the first timed.
     */
    private List<WarmUpCall> warmUpCalls() {
        long[] sizes = {Math.min(o.maxBytes(), 1 << 20), Math.min(o.maxBytes(), 64 << 10), o.minBytes()};
        long[] enough = {200, 2_000, 1_000_000}; // calls after which the paths each size takes are compiled
        List<WarmUpCall> calls = new ArrayList<>();
        for (BenchOp op : o.ops()) {
            if (runs(op)) {
                for (int k = 0; k < sizes.length; k++) {
                    // large sizes keep the loops hot with few calls; a slow (shaped) link should not pay many of them
                    long n = Math.max(2, Math.min(enough[k], WARM_UP_BYTES / Math.max(1, sizes[k])));
                    calls.add(new WarmUpCall(op, sizes[k], buffers(op, roundedSize(op, sizes[k])), n));
                }
            }
        }
        return calls;
    }

    /** Whether {@code op} runs on this many ranks (point-to-point needs two). */
    private boolean runs(BenchOp op) {
        return !op.pointToPoint() || comm.size() > 1;
    }

    /**
     * After the rehearsal, goes on calling the ops at the warm-up's sizes until no rank's JIT has
     * worked ({@link JitActivity}) for {@link #JIT_QUIET_NANOS}, or {@link #JIT_SETTLE_NANOS} have
     * passed, and says which.
     * A rank bound to one core shares it with its JIT's compiler threads, which a polling rank leaves
     * little time: compiling goes on for seconds, and each compilation that ends in a timed row took
     * the core for scheduler slices there (2 ranks over UCX shared memory, 8 B allreduce, 2,000
     * iterations: p99 3.5-7.7 ms and a mean of 90-320 µs before, p99 6.5-14 µs and a mean of 4.2-5.0 µs
     * after).
     */
    private void settleJit(List<WarmUpCall> warmUp) {
        JitActivity jit = new JitActivity();
        if (!jit.observable()) {
            return;
        }
        // the calls go through the timed loop and their times are reduced as a row's are, at a row's
        // length, so that what the rows run is compiled (a row's reduction of times, once past the
        // checked size, takes paths the ops may not: their first use in a row recompiled the hot
        // path there); the last slot says whether some rank's JIT worked during the batch, and
        // rank 0's verdict then holds for all
        ByteBuffer times = ByteBuffer.allocateDirect(8 * Math.max(o.iters(), WARM_UP_BATCH + 1))
                .order(ByteOrder.nativeOrder());
        int verdict = times.capacity() - 8;
        ByteBuffer stop = ByteBuffer.allocateDirect(1);
        long start = System.nanoTime();
        long quietSince = start;
        while (!warmUp.isEmpty()) {
            for (WarmUpCall w : warmUp) {
                timed(w.op(), w.buffers(), (int) Math.max(1, Math.min(WARM_UP_BATCH, SETTLE_BATCH_BYTES / Math.max(1, w.size()))),
                        times);
            }
            long now = System.nanoTime();
            times.putLong(verdict, jit.worked() ? 1 : 0);
            comm.allReduce(times, times, DataType.INT64, ReduceOp.MAX);
            if (times.getLong(verdict) == 1) {
                quietSince = now;
            }
            // rank 0's clock decides for all, so that every rank leaves after the same batch
            stop.put(0, (byte) (now - start >= JIT_SETTLE_NANOS || now - quietSince >= JIT_QUIET_NANOS ? 1 : 0));
            comm.broadcast(stop, 0);
            if (stop.get(0) == 1) {
                if (comm.rank() == 0) {
                    double seconds = (now - start) / 1e9;
                    out.printf(Locale.ROOT, now - quietSince >= JIT_QUIET_NANOS
                            ? "# the JIT went quiet after %.1f s of calls%n"
                            : "# the JIT still compiled after %.1f s of calls: the first rows may include it%n", seconds);
                }
                break;
            }
        }
    }

    private BenchOp.Buffers buffers(BenchOp op, int size) {
        int n = comm.size();
        if (!o.inPlace() || !op.inPlaceAt(comm.rank(), o.root())) {
            return BenchOp.Buffers.outOfPlace(op, window(true, op.sendBytes(size, n)), window(false, op.recvBytes(size, n)));
        }
        ByteBuffer buf = window(false, size);
        int block = size / n;
        ByteBuffer own = buf.slice(comm.rank() * block, block).order(ByteOrder.nativeOrder());
        return switch (op) {
            case ALLGATHER, GATHER -> BenchOp.Buffers.inPlace(buf, own, buf);
            case REDUCESCATTER, SCATTER -> BenchOp.Buffers.inPlace(buf, buf, own);
            default -> BenchOp.Buffers.inPlace(buf, buf, buf);
        };
    }

    private int roundedSize(BenchOp op, long requested) {
        int unit = o.type().size() * (op == BenchOp.ALLREDUCE || op == BenchOp.BROADCAST || op == BenchOp.REDUCE
                || op.pointToPoint() ? 1 : comm.size());
        if (requested > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sizes above 2 GiB are not supported");
        }
        return (int) (requested - requested % unit);
    }

    /** This machine's name, for headers; "?" when it has none. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "?";
        }
    }

    private void header() {
        out.printf(Locale.ROOT, "# jccl-perf: %d ranks over %s; JVM %s %s; host %s; %d cores%n", comm.size(), transport,
                System.getProperty("java.vm.name"), System.getProperty("java.version"), hostName(),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "# sizes %d..%d B, %d iterations after %d warm-up (and a warm-up pass over all ops),"
                + " type %s, op %s, root %d%s%s%n",
                o.minBytes(), o.maxBytes(), o.iters(), o.warmup(), o.type(), o.op(), o.root(),
                o.inPlace() ? ", in place" : "", o.check() ? ", checking results" : "");
        out.printf(Locale.ROOT, "# cost model (model(us) column; set it with JCCL_COST_MODEL): %s%n", selector.model());
    }

    /**
     * Measures the first op's smallest size once and throws the row away, so that the code of a
     * measurement (the timed loop, the reduction of times, the histogram, the row) is compiled
     * before the first row that counts: compiling it during that row takes a core from the ranks.
     */
    private void rehearse() {
        BenchOp first = o.ops().stream().filter(this::runs).findFirst().orElse(null);
        if (first != null) {
            measure(first, o.minBytes(), false);
        }
    }

    /** Measures one size of one op; rank 0 prints and keeps the row when {@code record}. */
    private long measure(BenchOp op, long requested, boolean record) {
        int n = comm.size();
        int es = o.type().size();
        int size = roundedSize(op, requested);
        BenchOp.Buffers b = buffers(op, size);
        long wrong = o.check() ? check(op, b) : 0;
        for (int i = 0; i < o.warmup(); i++) {
            op.run(comm, b, o.type(), o.op(), o.root());
        }
        comm.barrier();
        ByteBuffer times = ByteBuffer.allocateDirect(8 * Math.max(1, o.iters())).order(ByteOrder.nativeOrder());
        timed(op, b, o.iters(), times);
        times.limit(8 * o.iters());
        comm.allReduce(times, times, DataType.INT64, ReduceOp.MAX);
        if (comm.rank() == 0) {
            Histogram h = new Histogram(HISTOGRAM_DIGITS);
            double sum = 0;
            for (int i = 0; i < o.iters(); i++) {
                long t = times.getLong(8 * i) / op.timeDivisor();
                h.recordValue(Math.max(1, t));
                sum += t;
            }
            double avgUs = o.iters() == 0 ? 0 : sum / o.iters() / 1e3;
            double algbw = avgUs == 0 ? 0 : size / (avgUs * 1e3);
            SweepRow row = new SweepRow(label, op.cliName(), n, size, size / es, o.type().name().toLowerCase(Locale.ROOT),
                    op.reduces() ? o.op().name().toLowerCase(Locale.ROOT) : "-", op.rooted() ? Integer.toString(o.root()) : "-",
                    algorithm(op, size), o.inPlace() && op.inPlaceAt(o.root(), o.root()), avgUs, h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, algbw, algbw * op.busFactor(n),
                    o.check() ? wrong : null, predictedUs(op, size));
            if (record) {
                rows.add(row);
                out.printf(Locale.ROOT, "  %12d %12d %8s %6s %5s %-22s %10.2f %10.2f %10.2f %10.2f %11.3f %11.3f %10s %7s%n",
                        row.size(), row.count(), row.type(), row.redop(), row.root(), row.algorithm(), row.avgUs(),
                        row.p50Us(), row.p99Us(), row.maxUs(), row.algbwGBs(), row.busbwGBs(),
                        row.modelUs() == null ? "-" : String.format(Locale.ROOT, "%.2f", row.modelUs()),
                        o.check() ? Long.toString(wrong) : "N/A");
                out.flush();
            }
        }
        return wrong;
    }

    /** Calls {@code op} {@code iters} times back to back, putting each call's time into {@code times}. */
    private void timed(BenchOp op, BenchOp.Buffers b, int iters, ByteBuffer times) {
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            op.run(comm, b, o.type(), o.op(), o.root());
            times.putLong(8 * i, System.nanoTime() - t0);
        }
    }

    /**
     * The cost model's time for the row's algorithm, in µs (null for point-to-point), so that a
     * reader sees where the model is wrong.
     */
    private Double predictedUs(BenchOp op, int size) {
        if (op.pointToPoint()) {
            return null;
        }
        Collective c = Collective.valueOf(op.name());
        return selector.predict(c, algorithm(op, size), size, comm.size()) * 1e6;
    }

    private String algorithm(BenchOp op, int size) {
        if (op == BenchOp.PINGPONG) {
            return "send/recv";
        }
        if (op == BenchOp.STREAM) {
            return "sendAsync x" + BenchOp.STREAM_WINDOW;
        }
        Collective c = Collective.valueOf(op.name());
        return selector.choose(c, size, comm.size());
    }

    /** Runs {@code op} once on known data and counts wrong elements over all ranks. */
    private long check(BenchOp op, BenchOp.Buffers b) {
        if (op.pointToPoint()) {
            return checkPointToPoint(op, b);
        }
        int n = comm.size();
        int r = comm.rank();
        DataType t = o.type();
        ReduceOp rop = o.op();
        int inCount = b.input().remaining() / t.size();
        for (int i = 0; i < inCount; i++) {
            CheckData.put(b.input(), i, t, op == BenchOp.BROADCAST && r != o.root() ? 0 : CheckData.value(r, i));
        }
        op.run(comm, b, t, rop, o.root());
        long wrong = 0;
        int outCount = b.output().remaining() / t.size();
        int block = Math.max(1, outCount / n);
        for (int i = 0; i < outCount; i++) {
            long want = switch (op) {
                case ALLREDUCE -> reduced(i, rop);
                case REDUCE -> r == o.root() ? reduced(i, rop) : Long.MIN_VALUE;
                case BROADCAST -> CheckData.value(o.root(), i);
                case ALLGATHER -> CheckData.value(i / block, i % block);
                case REDUCESCATTER -> reduced(r * outCount + i, rop);
                case ALLTOALL -> CheckData.value(i / block, r * block + i % block);
                case GATHER -> r == o.root() ? CheckData.value(i / block, i % block) : Long.MIN_VALUE;
                case SCATTER -> CheckData.value(o.root(), r * outCount + i);
                case PINGPONG, STREAM -> throw new IllegalStateException("checked by checkPointToPoint");
            };
            if (want != Long.MIN_VALUE && CheckData.get(b.output(), i, t) != want) {
                wrong++;
            }
        }
        return totalOverRanks(wrong);
    }

    /** Rank 1 must receive rank 0's data, and for pingpong rank 0 rank 1's. */
    private long checkPointToPoint(BenchOp op, BenchOp.Buffers b) {
        DataType t = o.type();
        int n = b.send().remaining() / t.size();
        for (int i = 0; i < n; i++) {
            CheckData.put(b.send(), i, t, CheckData.value(comm.rank(), i));
        }
        op.run(comm, b, t, o.op(), o.root());
        long wrong = 0;
        if (comm.rank() == 1 || (comm.rank() == 0 && op == BenchOp.PINGPONG)) {
            for (int i = 0; i < n; i++) {
                if (CheckData.get(b.recv(), i, t) != CheckData.value(1 - comm.rank(), i)) {
                    wrong++;
                }
            }
        }
        return totalOverRanks(wrong);
    }

    /** The sum of every rank's {@code count}. */
    private long totalOverRanks(long count) {
        ByteBuffer w = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, count);
        comm.allReduce(w, w, DataType.INT64, ReduceOp.SUM);
        return w.getLong(0);
    }

    private long reduced(int i, ReduceOp op) {
        long acc = CheckData.value(0, i);
        for (int q = 1; q < comm.size(); q++) {
            long v = CheckData.value(q, i);
            acc = switch (op) {
                case SUM -> acc + v;
                case MIN -> Math.min(acc, v);
                case MAX -> Math.max(acc, v);
                case BAND -> acc & v;
                case BOR -> acc | v;
                case BXOR -> acc ^ v;
                default -> throw new IllegalArgumentException("--check supports sum, min, max, band, bor, bxor");
            };
        }
        return acc;
    }

    /** A window of the send or receive area, which grows to the largest size and is then reused. */
    private ByteBuffer window(boolean forSend, int bytes) {
        ByteBuffer area = forSend ? sendArea : recvArea;
        if (area == null || area.capacity() < bytes) {
            area = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            if (forSend) {
                sendArea = area;
            } else {
                recvArea = area;
            }
        }
        return area.slice(0, bytes).order(ByteOrder.nativeOrder());
    }
}
