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
 * rank's time; the p50 of each round is printed, then the ratio. Run it under any launcher:
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
        MPI.Finalize();
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
