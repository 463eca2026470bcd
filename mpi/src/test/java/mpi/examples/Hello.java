package mpi.examples;

import mpi.MPI;
import mpi.MPIException;
import mpi.Version;

/** Every rank says who it is; run under mpirun as an unchanged Open MPI Java program would be. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int size = MPI.COMM_WORLD.getSize();
        Version v = MPI.getVersion();
        System.out.println("Hello, world, I am " + rank + " of " + size + " on " + MPI.getProcessorName() + " (MPI "
                + v.getVersion() + "." + v.getSubVersion() + ", " + MPI.getLibVersion() + ", main thread "
                + MPI.isThreadMain() + ", thread level " + MPI.queryThread() + ")");
        MPI.Finalize();
    }
}
