package mpi.examples;

import java.nio.ByteBuffer;
import mpi.MPI;
import mpi.MPIException;

/** Ranks 0 and 1 bounce a direct buffer of each size; prints the one-way time. Other ranks wait. */
public final class PingPong {
    private PingPong() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int iterations = 200;
        for (int bytes = 1; bytes <= 1 << 16; bytes *= 16) {
            ByteBuffer buf = MPI.newByteBuffer(bytes);
            MPI.COMM_WORLD.barrier();
            double start = MPI.wtime();
            for (int i = 0; i < iterations; i++) {
                if (rank == 0) {
                    buf.put(0, (byte) i);
                    MPI.COMM_WORLD.send(buf, bytes, MPI.BYTE, 1, 1);
                    MPI.COMM_WORLD.recv(buf, bytes, MPI.BYTE, 1, 1);
                    if (buf.get(0) != (byte) (i + 1)) {
                        throw new IllegalStateException("rank 1 answered " + buf.get(0) + " to " + i);
                    }
                } else if (rank == 1) {
                    MPI.COMM_WORLD.recv(buf, bytes, MPI.BYTE, 0, 1);
                    buf.put(0, (byte) (buf.get(0) + 1));
                    MPI.COMM_WORLD.send(buf, bytes, MPI.BYTE, 0, 1);
                }
            }
            if (rank == 0) {
                System.out.printf("%8d B %10.2f us%n", bytes, (MPI.wtime() - start) / iterations / 2 * 1e6);
            }
        }
        MPI.Finalize();
    }
}
