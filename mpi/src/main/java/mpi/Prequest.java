package mpi;

import java.util.concurrent.CompletableFuture;

/**
 * A persistent request ({@code sendInit}, {@code recvInit}, ...): the same send or receive, started
 * again and again. {@link #start} posts it; waiting or a successful test makes it inactive, never
 * null, until {@link #free}.
 */
public final class Prequest extends Request {
    /** Posts the operation once more. */
    interface Operation {
        CompletableFuture<?> post() throws MPIException;
    }

    private final Operation operation;

    Prequest(Comm comm, Operation operation) {
        super(comm, null);
        this.operation = operation;
        unfree();
    }

    /** Starts the operation; it must be inactive. */
    public void start() throws MPIException {
        if (isNull()) {
            throw comm.fail(new MPIException(MPI.ERR_REQUEST, "the persistent request is freed", null));
        }
        if (active()) {
            throw comm.fail(new MPIException(MPI.ERR_REQUEST, "the persistent request is still active: wait for it first",
                    null));
        }
        activate(operation.post());
    }

    /** Starts every request, in order. */
    public static void startAll(Prequest[] requests) throws MPIException {
        for (Prequest r : requests) {
            r.start();
        }
    }

    @Override
    void retire() {
        activate(null);
    }
}
