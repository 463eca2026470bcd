package org.jccl.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;
import org.jccl.Configuration;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.reduce.ReductionKernel;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;

/**
 * What an algorithm sees of one collective (or of one point-to-point call): this rank's place, non-blocking sends and receives
 * under the collective's tag, bounded waits, scratch memory and the reduction kernel.
 *
 * <p>All messages of one collective share one tag; the transport matches messages between a pair
 * of ranks in FIFO order, so the j-th message rank a sends to rank b lands in the j-th receive b
 * posts from a. Every algorithm posts its receives from a peer in the order that peer sends.
 */
public final class Exchange {
    private static final int BUSY_SPINS = 64;
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);

    private final Transport transport;
    private final Progress progress;
    private final int rank;
    private final int size;
    private final String operation;
    private final long tag;
    private final long check;
    private final long sequence;
    private final long timeoutNanos;
    private final ScratchPool scratch;
    private final int chunkBytes;
    private final CommunicatorStatus status;
    private final Thread owner = Thread.currentThread();

    /**
     * @param check the word every message of the call carries and every receive expects: the call's
     *              arguments, so that ranks in different calls fail instead of mixing their messages
     */
    public Exchange(Transport transport, int rank, int size, String operation, long tag, long check, long sequence,
                    long timeoutNanos, ScratchPool scratch, int chunkBytes, CommunicatorStatus status) {
        this.transport = transport;
        this.progress = transport.progress();
        this.rank = rank;
        this.size = size;
        this.operation = operation;
        this.tag = tag;
        this.check = check;
        this.sequence = sequence;
        this.timeoutNanos = timeoutNanos;
        this.scratch = scratch;
        this.chunkBytes = chunkBytes;
        this.status = status;
    }

    /** This rank. */
    public int rank() {
        return rank;
    }

    /** Number of ranks. */
    public int size() {
        return size;
    }

    /** Starts sending {@code window} to {@code peer}. */
    public Request isend(int peer, ByteBuffer window) {
        Request r = new Request(peer, true, window.remaining(), owner);
        transport.send(peer, tag, check, window, r);
        return r;
    }

    /** Posts a receive of exactly {@code window.remaining()} bytes from {@code peer}. */
    public Request irecv(int peer, ByteBuffer window) {
        Request r = new Request(peer, false, window.remaining(), owner);
        transport.recv(peer, tag, check, window, r);
        return r;
    }

    /**
     * Waits for {@code r}, for at most the timeout. Over a transport that is driven
     * ({@link Progress}) waiting drives its I/O, or follows the thread that does; over one that is
     * not, it is a few busy spins, then polls that yield the core for up to {@code jccl.spinMicros},
     * then parking.
     */
    public void await(Request r) {
        if (r.state() == Request.PENDING && progress != null) {
            status.waiting(r);
            if (!progress.driveUntil(r, System.nanoTime() + timeoutNanos)) {
                throw timedOut(r);
            }
            status.waiting(null);
        } else if (r.state() == Request.PENDING) {
            status.waiting(r);
            for (int i = 0; i < BUSY_SPINS && r.state() == Request.PENDING; i++) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            while (r.state() == Request.PENDING && System.nanoTime() - start < SPIN_NANOS) {
                Thread.yield();
            }
            long deadline = start + timeoutNanos;
            while (r.state() == Request.PENDING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timedOut(r);
                }
                LockSupport.parkNanos(this, left);
            }
            status.waiting(null);
        }
        if (r.state() == Request.FAILED) {
            JcclException cause = r.failure();
            if (cause instanceof CheckMismatch) {
                throw cause; // the communicator names who passed what
            }
            throw new JcclException(rank, operation, "the " + r.describe() + " failed: " + cause.getMessage(), cause);
        }
    }

    private JcclException timedOut(Request r) {
        return new JcclException(rank, operation, "timed out after " + (timeoutNanos / 1_000_000_000.0)
                + " s waiting for the " + r.describe() + " (collective #" + sequence + ")");
    }

    /** Waits for every non-null request of {@code rs}. */
    public void awaitAll(Request... rs) {
        for (Request r : rs) {
            if (r != null) {
                await(r);
            }
        }
    }

    /** Sends {@code out} to {@code to} while receiving {@code in} from {@code from}; returns when both are done. */
    public void sendRecv(int to, ByteBuffer out, int from, ByteBuffer in) {
        Request rr = irecv(from, in);
        Request sr = isend(to, out);
        await(rr);
        await(sr);
    }

    /** A scratch window (see {@link ScratchPool} for the slots). */
    public ByteBuffer scratch(int slot, int bytes, ByteOrder order) {
        return scratch.get(slot, bytes, order);
    }

    /** Pipeline chunk size in bytes, a whole number of {@code elementSize} elements. */
    public int chunk(int elementSize) {
        return Math.max(elementSize, chunkBytes - chunkBytes % elementSize);
    }

    /** Number of chunks {@link #sendChunks} cuts {@code bytes} into. */
    public int chunkCount(int bytes, int elementSize) {
        int c = chunk(elementSize);
        return (bytes + c - 1) / c;
    }

    /**
     * Starts sending {@code window} to {@code peer} as chunks of {@link #chunk(int)} bytes, the way
     * {@link #recvReduce} receives them; returns the requests.
     */
    public Request[] sendChunks(int peer, ByteBuffer window, int elementSize) {
        int n = window.remaining();
        int c = chunk(elementSize);
        Request[] rs = new Request[(n + c - 1) / c];
        for (int k = 0, off = 0; off < n; k++, off += c) {
            rs[k] = isend(peer, Windows.of(window, off, Math.min(c, n - off)));
        }
        return rs;
    }

    /**
     * Receives {@code target.remaining()} bytes from {@code peer}, sent by {@link #sendChunks}, and
     * reduces them into {@code target}: two chunk buffers alternate, so the next chunk arrives while
     * the last one is reduced.
     */
    public void recvReduce(int peer, ByteBuffer target, DataType type, ReduceOp op) {
        int n = target.remaining();
        if (n == 0) {
            return;
        }
        int c = chunk(type.size());
        int chunks = (n + c - 1) / c;
        ByteBuffer[] slot = {scratch(ScratchPool.CHUNK_A, Math.min(c, n), target.order()),
            chunks > 1 ? scratch(ScratchPool.CHUNK_B, c, target.order()) : null};
        Request[] pending = new Request[2];
        for (int k = 0; k < Math.min(2, chunks); k++) {
            pending[k] = irecv(peer, Windows.of(slot[k], 0, Math.min(c, n - k * c)));
        }
        for (int k = 0; k < chunks; k++) {
            int len = Math.min(c, n - k * c);
            await(pending[k & 1]);
            ReductionKernel.reduce(Windows.of(target, k * c, len), slot[k & 1], type, op);
            if (k + 2 < chunks) {
                pending[k & 1] = irecv(peer, Windows.of(slot[k & 1], 0, Math.min(c, n - (k + 2) * c)));
            }
        }
    }
}
