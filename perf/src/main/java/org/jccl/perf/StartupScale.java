package org.jccl.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.ReduceOp;

/**
 * How start-up grows with the job: for each size, that many ranks as threads of this JVM connect
 * over a transport on loopback (rendezvous included), then run an all-reduce, a broadcast and a
 * barrier. Prints the slowest rank's start-up, the median, and the sockets the process holds per
 * rank afterwards (both ends of a connection between two of its ranks count, one for each rank).
 * {@code java -cp perf/target/jccl-perf.jar org.jccl.perf.StartupScale [transport] 8 32 64}.
 */
public final class StartupScale {
    private StartupScale() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args.length > 0 && !args[0].matches("\\d+") ? args[0] : "tcp";
        int[] sizes = Stream.of(args).filter(a -> a.matches("\\d+")).mapToInt(Integer::parseInt).toArray();
        if (sizes.length == 0) {
            sizes = new int[] {8, 32};
        }
        System.out.println("# " + transport + " on loopback, ranks as threads of one JVM");
        System.out.println("#  ranks   start-up p50 ms   start-up max ms   sockets per rank");
        for (int n : sizes) {
            run(transport, n);
        }
    }

    private static void run(String transport, int n) throws Exception {
        String rendezvous = "127.0.0.1:" + freePort();
        long[] startupNanos = new long[n];
        long[] sockets = new long[1];
        CyclicBarrier connected = new CyclicBarrier(n, () -> sockets[0] = openSockets());
        Thread[] ranks = new Thread[n];
        Throwable[] failure = new Throwable[1];
        for (int r = 0; r < n; r++) {
            int rank = r;
            ranks[r] = new Thread(() -> {
                long start = System.nanoTime();
                try (Communicator c = Jccl.builder().environment(Map.of()).rank(rank).size(n).transport(transport)
                        .rendezvous(rendezvous).timeout(Duration.ofSeconds(120)).connect()) {
                    startupNanos[rank] = System.nanoTime() - start;
                    ByteBuffer v = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
                    c.allReduce(v, v, DataType.INT64, ReduceOp.SUM);
                    c.broadcast(v, n - 1);
                    c.barrier();
                    if (v.getLong(0) != n) {
                        throw new IllegalStateException("all-reduce gave " + v.getLong(0) + " at " + n + " ranks");
                    }
                    connected.await();
                } catch (Throwable t) {
                    synchronized (failure) {
                        failure[0] = failure[0] == null ? t : failure[0];
                    }
                    connected.reset();
                }
            }, "rank-" + r);
            ranks[r].start();
        }
        for (Thread t : ranks) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException(n + " ranks failed", failure[0]);
        }
        long[] sorted = startupNanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%8d %17.1f %17.1f %18.1f%n", n, sorted[n / 2] / 1e6, sorted[n - 1] / 1e6,
                (double) sockets[0] / n);
    }

    /** Sockets this process holds now (Linux), or -1 where that cannot be read. */
    private static long openSockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
