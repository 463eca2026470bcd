package mpi.examples;

import mpi.MPI;
import mpi.MPIException;

/** Rank 1 makes a bad call under the default error handler: the whole job must end, not hang. */
public final class FatalError {
    private FatalError() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int[] data = new int[4];
        if (MPI.COMM_WORLD.getRank() == 1) {
            MPI.COMM_WORLD.bcast(data, 4, MPI.DOUBLE, 0); // an int[] does not hold MPI_DOUBLE
        }
        MPI.COMM_WORLD.barrier(); // the others wait here until the job is aborted
        System.out.println("not reached");
        MPI.Finalize();
    }
}
