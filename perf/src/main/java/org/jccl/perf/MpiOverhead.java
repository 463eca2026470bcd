package org.jccl.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import mpi.MPI;
import mpi.MPIException;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * What Open MPI's Java API costs on top of jccl: {@code MPI.COMM_WORLD.allReduce} on a direct
 * {@code FloatBuffer} against jccl's own {@code allReduce} on the same memory as a ByteBuffer, in
 * alternating rounds of one program. Each timed call is barrier-separated; a sample is the slowest
 * rank's time; the p50 of each round is printed, then the ratio. Then the same for a ping-pong
 * between ranks 0 and 1: MPI's {@code send}/{@code recv}, which match as MPI does through jccl's
 * {@code Mailbox} (an envelope with each message), against jccl's exact {@code send}/{@code recv}.
 * Run it under any launcher:
 * {@code mpirun -np 2 java -cp perf/target/jccl-perf.jar org.jccl.perf.MpiOverhead [rounds]}.
 */
public final class MpiOverhead {
    private static final int[] SIZES = {8, 1 << 20};
    private static final int ITERATIONS = 200;

    private MpiOverhead() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Communicator jccl = MPI.COMM_WORLD.jccl();
        boolean print = jccl.rank() == 0;
        if (print) {
            System.out.println("# allReduce, float sum, " + jccl.size() + " ranks, p50 of " + ITERATIONS
                    + " barrier-separated calls (slowest rank), us");
            System.out.println("#      bytes  round        jccl    mpi (Java API)   mpi/jccl");
        }
        for (int bytes : SIZES) {
            ByteBuffer memory = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            FloatBuffer floats = memory.asFloatBuffer();
            int count = bytes / 4;
            timed(jccl, () -> jccl.allReduce(memory, memory, DataType.FLOAT32, ReduceOp.SUM)); // JIT warm-up
            timed(jccl, () -> MPI.COMM_WORLD.allReduce(floats, count, MPI.FLOAT, MPI.SUM));
            for (int round = 1; round <= rounds; round++) {
                double own = timed(jccl, () -> jccl.allReduce(memory, memory, DataType.FLOAT32, ReduceOp.SUM));
                double viaMpi = timed(jccl, () -> MPI.COMM_WORLD.allReduce(floats, count, MPI.FLOAT, MPI.SUM));
                if (print) {
                    System.out.printf("%12d %6d %11.2f %16.2f %10.3f%n", bytes, round, own, viaMpi, viaMpi / own);
                }
            }
        }
        if (print) {
            System.out.println("# ping-pong between ranks 0 and 1, round trip, p50 of " + ITERATIONS + ", us");
            System.out.println("#      bytes  round        jccl    mpi (Java API)   mpi/jccl");
        }
        for (int bytes : SIZES) {
            ByteBuffer memory = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            Call own = pingPong(jccl, () -> jccl.send(memory, 1 - jccl.rank(), 9), () -> jccl.recv(memory, 1 - jccl.rank(), 9));
            Call viaMpi = pingPong(jccl, () -> MPI.COMM_WORLD.send(memory, bytes, MPI.BYTE, 1 - jccl.rank(), 9),
                    () -> MPI.COMM_WORLD.recv(memory, bytes, MPI.BYTE, 1 - jccl.rank(), 9));
            timed(jccl, own);
            timed(jccl, viaMpi);
            for (int round = 1; round <= rounds; round++) {
                double a = timed(jccl, own);
                double b = timed(jccl, viaMpi);
                if (print) {
                    System.out.printf("%12d %6d %11.2f %16.2f %10.3f%n", bytes, round, a, b, b / a);
                }
            }
        }
        MPI.Finalize();
    }

    /** A round trip: rank 0 sends and receives, rank 1 receives and sends, the others wait. */
    private static Call pingPong(Communicator c, Call send, Call recv) {
        return () -> {
            if (c.rank() == 0) {
                send.run();
                recv.run();
            } else if (c.rank() == 1) {
                recv.run();
                send.run();
            }
        };
    }

    /** One call to time. */
    private interface Call {
        void run() throws MPIException;
    }

    /** p50 over {@link #ITERATIONS} of the slowest rank's time of {@code call}, in microseconds. */
    private static double timed(Communicator c, Call call) throws MPIException {
        double[] slowest = new double[ITERATIONS];
        ByteBuffer time = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < ITERATIONS; i++) {
            c.barrier();
            long start = System.nanoTime();
            call.run();
            time.putDouble(0, (System.nanoTime() - start) / 1e3);
            c.allReduce(time, time, DataType.FLOAT64, ReduceOp.MAX);
            slowest[i] = time.getDouble(0);
        }
        Arrays.sort(slowest);
        return slowest[ITERATIONS / 2];
    }
}
