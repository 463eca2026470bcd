package mpi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jccl.Envelope;
import org.jccl.JcclException;
import org.jccl.TruncatedMessage;

/**
 * A non-blocking operation in flight: a send or receive ({@code iSend}, {@code iRecv}, ...), a
 * message received from a {@link Message}, or a collective ({@code iAllReduce}, ...). Waiting or a
 * successful test ends it: it becomes inactive, and a non-persistent request null, as in MPI.
 *
 * <p>Underneath is a jccl future; the thread that drives jccl's transport completes it, so a test
 * needs no progress call of its own. Failures go to the communicator's error handler. Differences
 * from Open MPI: none known, except that {@link #cancel} withdraws only receives nothing has
 * matched yet (MPI allows a send's cancel to fail too, and jccl's always does).
 */
public class Request {
    /** How long {@link #waitAny} waits in one request before it looks at the others again. */
    private static final long LOOK_MICROS = 200;
    /** The communicator whose error handler sees failures; null for {@link MPI#REQUEST_NULL}. */
    final Comm comm;
    private CompletableFuture<?> pending;
    private boolean freed;

    Request(Comm comm, CompletableFuture<?> pending) {
        this.comm = comm;
        this.pending = pending;
        this.freed = pending == null;
    }

    /** A persistent request is not null while inactive. */
    final void unfree() {
        freed = false;
    }

    /** (Re)arms the request with a new operation: a persistent request's start. */
    final void activate(CompletableFuture<?> op) {
        pending = op;
    }

    /** The operation's future, or null when inactive. */
    final CompletableFuture<?> future() {
        return pending;
    }

    /** Whether an operation is in flight (not yet waited for). */
    final boolean active() {
        return pending != null;
    }

    /**
     * Frees the request: the operation goes on, and nobody will wait for it. Afterwards
     * {@link #isNull} holds.
     */
    public void free() throws MPIException {
        pending = null;
        freed = true;
    }

    /** Withdraws a receive nothing has matched yet; its status then says {@link Status#isCancelled}. */
    public final void cancel() throws MPIException {
        CompletableFuture<?> p = pending;
        if (p != null) {
            p.cancel(false);
        }
    }

    /** Whether this is a null request: freed, or a non-persistent one that completed. */
    public final boolean isNull() {
        return freed;
    }

    /** Waits for the operation and returns its status; the request becomes inactive. */
    public final Status waitStatus() throws MPIException {
        CompletableFuture<?> p = pending;
        if (p == null) {
            return Status.EMPTY;
        }
        try {
            return join(p);
        } finally {
            if (pending == p) {
                retire();
            }
        }
    }

    /** Waits for the operation; the request becomes inactive. */
    public final void waitFor() throws MPIException {
        waitStatus();
    }

    /** The status if the operation completed (the request becomes inactive), else null. */
    public final Status testStatus() throws MPIException {
        CompletableFuture<?> p = pending;
        return p == null ? Status.EMPTY : p.isDone() ? waitStatus() : null;
    }

    /** As {@link #testStatus}, leaving the request as it is. */
    public final Status getStatus() throws MPIException {
        CompletableFuture<?> p = pending;
        return p == null ? Status.EMPTY : p.isDone() ? join(p) : null;
    }

    /** Whether the operation completed; if so, the request becomes inactive. */
    public final boolean test() throws MPIException {
        return testStatus() != null;
    }

    /** After a wait or a successful test: a persistent request stays, any other one becomes null. */
    void retire() {
        pending = null;
        freed = true;
    }

    private Status join(CompletableFuture<?> p) throws MPIException {
        try {
            Object v = p.join();
            return v instanceof Status s ? s : v instanceof Envelope e ? PointToPoint.status(e) : Status.EMPTY;
        } catch (CancellationException e) {
            return Status.CANCELLED;
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof CancellationException) {
                return Status.CANCELLED;
            }
            throw comm.fail(failure(c));
        }
    }

    /** The MPI error for a failed jccl operation. */
    static MPIException failure(Throwable c) {
        if (c instanceof MPIException m) {
            return m;
        }
        if (c instanceof TruncatedMessage t) {
            return new MPIException(MPI.ERR_TRUNCATE, t.getMessage(), t);
        }
        if (c instanceof JcclException j) {
            return new MPIException(MPI.ERR_OTHER, j.getMessage(), j);
        }
        return new MPIException(MPI.ERR_INTERN, String.valueOf(c), c);
    }

    // ---- arrays of requests ------------------------------------------------------------------

    /** Waits until one active request completed; its status names it ({@link Status#getIndex}). Null when none is active. */
    public static Status waitAnyStatus(Request[] requests) throws MPIException {
        int i = waitAny(requests, true);
        return i == MPI.UNDEFINED ? null : requests[i].waitStatus().at(i);
    }

    /** Waits until one active request completed and returns its index, or {@link MPI#UNDEFINED} when none is active. */
    public static int waitAny(Request[] requests) throws MPIException {
        int i = waitAny(requests, true);
        if (i != MPI.UNDEFINED) {
            requests[i].waitStatus();
        }
        return i;
    }

    /** The status of one completed active request (which becomes inactive), or null when none completed. */
    public static Status testAnyStatus(Request[] requests) throws MPIException {
        int i = waitAny(requests, false);
        return i == MPI.UNDEFINED ? null : requests[i].waitStatus().at(i);
    }

    /** The index of one completed active request (which becomes inactive), or {@link MPI#UNDEFINED}. */
    public static int testAny(Request[] requests) throws MPIException {
        int i = waitAny(requests, false);
        if (i != MPI.UNDEFINED) {
            requests[i].waitStatus();
        }
        return i;
    }

    /** Waits for every request; an inactive one's status is null. */
    public static Status[] waitAllStatus(Request[] requests) throws MPIException {
        Status[] out = new Status[requests.length];
        MPIException first = null;
        for (int i = 0; i < requests.length; i++) {
            if (requests[i] != null && requests[i].active()) {
                try {
                    out[i] = requests[i].waitStatus().at(i);
                } catch (MPIException e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    /** Waits for every request. */
    public static void waitAll(Request[] requests) throws MPIException {
        waitAllStatus(requests);
    }

    /** Every request's status if all completed (they become inactive), else null (and none changes). */
    public static Status[] testAllStatus(Request[] requests) throws MPIException {
        for (Request r : requests) {
            if (r != null && r.active() && !r.pending.isDone()) {
                return null;
            }
        }
        return waitAllStatus(requests);
    }

    /** Whether every request completed; if so, they become inactive. */
    public static boolean testAll(Request[] requests) throws MPIException {
        return testAllStatus(requests) != null;
    }

    /** Waits until at least one active request completed; the statuses of all that did. Null when none is active. */
    public static Status[] waitSomeStatus(Request[] requests) throws MPIException {
        return waitAny(requests, true) == MPI.UNDEFINED ? null : testSomeStatus(requests);
    }

    /** As {@link #waitSomeStatus}, returning the indexes. */
    public static int[] waitSome(Request[] requests) throws MPIException {
        return indexes(waitSomeStatus(requests));
    }

    /** The statuses of the active requests that completed (maybe none); null when none is active. */
    public static Status[] testSomeStatus(Request[] requests) throws MPIException {
        List<Status> done = new ArrayList<>();
        boolean anyActive = false;
        for (int i = 0; i < requests.length; i++) {
            Request r = requests[i];
            if (r != null && r.active()) {
                anyActive = true;
                if (r.pending.isDone()) {
                    done.add(r.waitStatus().at(i));
                }
            }
        }
        return anyActive ? done.toArray(new Status[0]) : null;
    }

    /** As {@link #testSomeStatus}, returning the indexes. */
    public static int[] testSome(Request[] requests) throws MPIException {
        return indexes(testSomeStatus(requests));
    }

    private static int[] indexes(Status[] s) {
        if (s == null) {
            return null;
        }
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i].getIndex();
        }
        return out;
    }

    /** The index of a completed active request (waiting for one when {@code block}), or UNDEFINED. */
    private static int waitAny(Request[] requests, boolean block) {
        List<CompletableFuture<?>> active = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            Request r = requests[i];
            if (r != null && r.active()) {
                if (r.pending.isDone()) {
                    return i;
                }
                active.add(r.pending);
            }
        }
        if (active.isEmpty() || !block) {
            return MPI.UNDEFINED;
        }
        // waiting in one future a moment at a time drives the communicator for all of them
        while (true) {
            try {
                active.get(0).get(LOOK_MICROS, TimeUnit.MICROSECONDS);
            } catch (TimeoutException | ExecutionException | CancellationException e) {
                // not yet, or it ended badly: the scan finds it, and its wait reports the failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < requests.length; i++) {
                Request r = requests[i];
                if (r != null && r.active() && r.pending.isDone()) {
                    return i;
                }
            }
        }
    }
}
