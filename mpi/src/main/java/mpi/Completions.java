package mpi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jccl.JcclException;

/** Waiting for jccl's asynchronous calls the way a blocking MPI call does. */
final class Completions {
    private Completions() {
    }

    /** Waits for {@code f}; its {@link JcclException} comes back as itself, anything else as an MPI error. */
    static void join(CompletableFuture<Void> f) throws MPIException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MPIException(MPI.ERR_OTHER, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JcclException j) {
                throw j;
            }
            throw new MPIException(MPI.ERR_OTHER, String.valueOf(e.getCause()), e.getCause());
        }
    }
}
