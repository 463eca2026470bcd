package mpi;

import java.nio.Buffer;
import java.util.concurrent.CompletableFuture;
import org.jccl.MatchedMessage;

/**
 * A message taken out of matching by {@link #mProbe} or {@link #imProbe}: only this handle's
 * {@link #mRecv} or {@link #imRecv} can receive it, whatever other receives are posted. After the
 * receive the handle is null again.
 */
public final class Message {
    private Comm comm;
    private MatchedMessage taken;
    private boolean noProc;

    /** A null message handle. */
    public Message() {
    }

    /** Whether no message is held. */
    public boolean isNull() {
        return taken == null && !noProc;
    }

    /** Whether the probe named {@link MPI#PROC_NULL}: a receive then receives nothing. */
    public boolean isNoProc() {
        return noProc;
    }

    /** Waits for a message {@code source} and {@code tag} match and takes it; returns its status. */
    public Status mProbe(int source, int tag, Comm comm) throws MPIException {
        return probe(source, tag, comm, true);
    }

    /** Takes a message {@code source} and {@code tag} match if one has arrived; its status, or null. */
    public Status imProbe(int source, int tag, Comm comm) throws MPIException {
        return probe(source, tag, comm, false);
    }

    private Status probe(int source, int tag, Comm comm, boolean wait) throws MPIException {
        if (source == MPI.PROC_NULL) {
            this.comm = comm;
            noProc = true;
            return new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false);
        }
        MatchedMessage m = comm.call(c -> {
            Arguments.anySource(c, source, tag);
            return wait ? c.mailbox().take(source, tag) : c.mailbox().tryTake(source, tag);
        });
        if (m == null) {
            return null;
        }
        this.comm = comm;
        this.taken = m;
        return PointToPoint.status(m.envelope());
    }

    /** Receives the message into {@code buf} (up to {@code count} elements); the handle becomes null. */
    public Status mRecv(Object buf, int count, Datatype type) throws MPIException {
        if (noProc) {
            noProc = false;
            return new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false);
        }
        MatchedMessage m = held();
        taken = null;
        return comm.call(c -> PointToPoint.recvNow(m, buf, count, type));
    }

    /** Starts receiving the message into the direct buffer {@code buf}; the handle becomes null. */
    public Request imRecv(Buffer buf, int count, Datatype type) throws MPIException {
        if (noProc) {
            noProc = false;
            return new Request(comm, CompletableFuture.completedFuture(
                    new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false)));
        }
        MatchedMessage m = held();
        taken = null;
        return new Request(comm, comm.call(c -> PointToPoint.recv(m, buf, count, type)));
    }

    private MatchedMessage held() throws MPIException {
        if (taken == null) {
            throw new MPIException(MPI.ERR_REQUEST, "the message handle is null: mProbe or imProbe first", null);
        }
        return taken;
    }
}
