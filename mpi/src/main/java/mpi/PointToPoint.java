package mpi;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jccl.Communicator;
import org.jccl.Envelope;
import org.jccl.Mailbox;
import org.jccl.MatchedMessage;
import org.jccl.TruncatedMessage;

/**
 * Point-to-point calls on jccl's {@link Mailbox}, which matches as MPI does: receives up to a
 * length, wildcards, probes, synchronous sends, order per (source, tag). {@link Comm} and
 * {@link Message} hand their arguments here.
 */
final class PointToPoint {
    /** How a send ends: when its buffer may change, or when a receive matched it. */
    enum Mode { STANDARD, SYNCHRONOUS }

    private PointToPoint() {
    }

    /** Starts sending {@code data} (which must not change until the future ends). */
    static CompletableFuture<?> send(Communicator c, ByteBuffer data, int dest, int tag, Mode mode)
            throws MPIException {
        if (dest == MPI.PROC_NULL) {
            return CompletableFuture.completedFuture(Status.EMPTY);
        }
        Arguments.destination(c, dest, tag);
        Mailbox m = c.mailbox();
        // the mailbox's own future: a dependent stage would be completed later, by another thread
        return mode == Mode.SYNCHRONOUS ? m.sendSyncAsync(data, dest, tag) : m.sendAsync(data, dest, tag);
    }

    /** A blocking send of {@code count} elements from an array or buffer. */
    static void sendNow(Communicator c, Object buf, int count, Datatype type, int dest, int tag, Mode mode)
            throws MPIException {
        if (dest == MPI.PROC_NULL) {
            return;
        }
        Arguments.destination(c, dest, tag);
        ByteBuffer data = Data.in(buf, count, type);
        if (mode == Mode.SYNCHRONOUS) {
            c.mailbox().sendSync(data, dest, tag);
        } else {
            c.mailbox().send(data, dest, tag);
        }
    }

    /** A blocking receive into an array or buffer of {@code count} elements: up to that many arrive. */
    static Status recvNow(Communicator c, Object buf, int count, Datatype type, int source, int tag)
            throws MPIException {
        if (source == MPI.PROC_NULL) {
            return new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false);
        }
        Arguments.anySource(c, source, tag);
        ByteBuffer room = Data.room(buf, count, type);
        try {
            return received(c.mailbox().recv(room, source, tag), room, buf, type);
        } catch (TruncatedMessage t) {
            Data.out(room, buf, count, type);
            throw Request.failure(t);
        }
    }

    /** Starts a receive into a direct buffer. */
    static CompletableFuture<?> recv(Communicator c, Buffer buf, int count, Datatype type, int source, int tag)
            throws MPIException {
        if (source == MPI.PROC_NULL) {
            return CompletableFuture.completedFuture(new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false));
        }
        Arguments.anySource(c, source, tag);
        inPlace(type);
        return c.mailbox().recvAsync(Data.in(direct(buf), count, type), source, tag);
    }

    /** Receives a message {@link Message#mProbe} took, blocking. */
    static Status recvNow(MatchedMessage m, Object buf, int count, Datatype type) throws MPIException {
        ByteBuffer room = Data.room(buf, count, type);
        try {
            return received(m.recv(room), room, buf, type);
        } catch (TruncatedMessage t) {
            Data.out(room, buf, count, type);
            throw Request.failure(t);
        }
    }

    /** Starts receiving a message {@link Message#mProbe} took into a direct buffer. */
    static CompletableFuture<?> recv(MatchedMessage m, Buffer buf, int count, Datatype type) throws MPIException {
        inPlace(type);
        return m.recvAsync(Data.in(direct(buf), count, type));
    }

    private static Status received(Envelope e, ByteBuffer room, Object buf, Datatype type) {
        Data.out(room, buf, e.length() / Math.max(1, type.baseSize()), type);
        return status(e);
    }

    static Status status(Envelope e) {
        return new Status(e.source(), e.tag(), e.length(), false);
    }

    /** Waits for a send started here, as a blocking call does. */
    static void join(CompletableFuture<?> f) throws MPIException {
        try {
            f.join();
        } catch (CompletionException e) {
            throw Request.failure(e.getCause());
        }
    }

    /** What lands where it lies, as a non-blocking call's data does, must be of a predefined type: a derived one is packed. */
    static void inPlace(Datatype type) throws MPIException {
        if (type != null && type.derived()) {
            throw new MPIException(MPI.ERR_TYPE, "non-blocking receives and collectives take predefined types; " + type
                    + " is derived (use the blocking call)", null);
        }
    }

    /** Non-blocking calls take direct buffers only, as in Open MPI: their memory must stay where it is. */
    static Buffer direct(Buffer buf) throws MPIException {
        if (buf == null) {
            throw new MPIException(MPI.ERR_BUFFER, "the buffer is null", null);
        }
        if (!buf.isDirect()) {
            throw new MPIException(MPI.ERR_BUFFER, "a non-blocking call needs a direct buffer (MPI.newXxxBuffer), not a "
                    + buf.getClass().getSimpleName() + " on the heap", null);
        }
        return buf;
    }
}
