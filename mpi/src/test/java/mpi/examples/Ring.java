package mpi.examples;

import mpi.MPI;
import mpi.MPIException;

/**
 * Rank 0 sends a counter around the ring; rank 0 lowers it by one each lap, and every rank passes
 * it on until it reaches zero. Then an allReduce counts the messages every rank received.
 */
public final class Ring {
    private Ring() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int size = MPI.COMM_WORLD.getSize();
        int next = (rank + 1) % size;
        int prev = (rank + size - 1) % size;
        int[] message = new int[1];
        int laps = 0;
        if (rank == 0) {
            message[0] = 10;
            MPI.COMM_WORLD.send(message, 1, MPI.INT, next, 201);
        }
        while (true) {
            MPI.COMM_WORLD.recv(message, 1, MPI.INT, prev, 201);
            laps++;
            if (rank == 0) {
                message[0]--;
                System.out.println("Process 0 decremented value: " + message[0]);
            }
            MPI.COMM_WORLD.send(message, 1, MPI.INT, next, 201);
            if (message[0] == 0) {
                break;
            }
        }
        if (rank == 0) {
            MPI.COMM_WORLD.recv(message, 1, MPI.INT, prev, 201); // the last lap's message comes home
        }
        int[] total = {laps};
        MPI.COMM_WORLD.allReduce(total, 1, MPI.INT, MPI.SUM);
        if (rank == 0) {
            System.out.println("laps seen by all ranks: " + total[0]);
        }
        MPI.Finalize();
    }
}
