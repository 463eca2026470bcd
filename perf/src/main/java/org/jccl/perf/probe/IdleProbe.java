package org.jccl.perf.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.ReduceOp;

/**
 * What an idle communicator costs: each rank runs 1000 small all-reduces, waits a second, then
 * sleeps for the window with nothing pending and prints the CPU time its whole process used over
 * it, from {@code /proc/self/stat}, as a share of one core. Start it under any launcher, e.g.
 * {@code JCCL_RANK=i JCCL_SIZE=2 JCCL_RENDEZVOUS=127.0.0.1:29500 JCCL_TRANSPORT=ucx java -cp
 * perf/target/jccl-perf.jar org.jccl.perf.probe.IdleProbe [seconds]}.
 */
public final class IdleProbe {
    /** Clock ticks per second of {@code /proc/self/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private IdleProbe() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
        try (Communicator c = Jccl.init()) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            for (int i = 0; i < 1000; i++) {
                c.allReduce(b, b, DataType.FLOAT32, ReduceOp.SUM);
            }
            Thread.sleep(1000);
            long ticks = cpuTicks();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000);
            double used = (cpuTicks() - ticks) / TICKS_PER_SECOND;
            double wall = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "rank %d: idle communicator: %.2f %% of a core over %.1f s%n", c.rank(),
                    100 * used / wall, wall);
            c.barrier();
        }
    }

    /** User plus system time of this process so far, in clock ticks (fields 14 and 15 of /proc/self/stat). */
    private static long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
