package mpi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jccl.Communicator;
import org.jccl.JcclException;

/**
 * The buffer a program attaches for buffered sends ({@link MPI#attachBuffer}). A buffered send
 * copies its message and returns before any receive is posted; the copy's bytes, plus
 * {@link MPI#BSEND_OVERHEAD}, count against the attached buffer's size until the message has left,
 * and a send that does not fit fails with {@link MPI#ERR_BUFFER}. jccl sends from a copy of its own,
 * so the attached array only sets the budget, as its size is all MPI lets a program rely on.
 */
final class BufferedSends {
    private static byte[] attached;
    private static long inFlight;
    private static final List<CompletableFuture<Void>> PENDING = new ArrayList<>();

    private BufferedSends() {
    }

    static synchronized void attach(byte[] buffer) throws MPIException {
        if (buffer == null) {
            throw new MPIException(MPI.ERR_BUFFER, "the buffer to attach is null", null);
        }
        if (attached != null) {
            throw new MPIException(MPI.ERR_BUFFER, "a buffer is attached already; detach it first", null);
        }
        attached = buffer;
    }

    /** Waits until every buffered message has left, then returns the attached buffer. */
    static byte[] detach() throws MPIException {
        List<CompletableFuture<Void>> waiting;
        synchronized (BufferedSends.class) {
            if (attached == null) {
                throw new MPIException(MPI.ERR_BUFFER, "no buffer is attached", null);
            }
            waiting = new ArrayList<>(PENDING);
        }
        for (CompletableFuture<Void> f : waiting) {
            try {
                Completions.join(f);
            } catch (JcclException e) {
                // the send's failure is the job's to see; the buffer is free either way
            }
        }
        synchronized (BufferedSends.class) {
            byte[] b = attached;
            attached = null;
            return b;
        }
    }

    /** Copies {@code data} and starts sending the copy; returns once the copy is made. */
    static void send(Communicator c, ByteBuffer data, int dest, int tag) throws MPIException {
        int bytes = data.remaining();
        long charge = (long) bytes + MPI.BSEND_OVERHEAD;
        CompletableFuture<Void> sent;
        synchronized (BufferedSends.class) {
            if (attached == null) {
                throw new MPIException(MPI.ERR_BUFFER, "bSend needs a buffer: call MPI.attachBuffer first", null);
            }
            if (inFlight + charge > attached.length) {
                throw new MPIException(MPI.ERR_BUFFER, "a buffered send of " + bytes + " B (+" + MPI.BSEND_OVERHEAD
                        + " B overhead) does not fit the attached buffer: " + (attached.length - inFlight) + " of "
                        + attached.length + " B are free", null);
            }
            inFlight += charge;
            ByteBuffer copy = ByteBuffer.allocateDirect(bytes).order(data.order()).put(0, data, data.position(), bytes);
            sent = c.mailbox().sendAsync(copy, dest, tag);
            PENDING.add(sent);
        }
        sent.whenComplete((ok, failure) -> {
            synchronized (BufferedSends.class) {
                inFlight -= charge;
                PENDING.remove(sent);
            }
        });
    }
}
