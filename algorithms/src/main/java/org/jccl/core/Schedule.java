package org.jccl.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.reduce.ReductionKernel;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Transport;

/**
 * One collective (or one point-to-point call) as a non-blocking program: the algorithm writes it
 * once, up front, as the sends, receives, waits and local steps (copies, reductions) it would run,
 * and whichever thread drives the communicator then runs it a piece at a time with
 * {@link #advance()}. A step that waits for a message that has not arrived ends the piece; the
 * next piece starts there once the message is in. A blocking call is its schedule advanced to the
 * end on the caller's thread; an asynchronous one is advanced by every thread that drives the
 * communicator meanwhile, so collectives in flight together overlap without a thread each.
 *
 * <p>All messages of one schedule share one tag; the transport matches messages between a pair of
 * ranks in FIFO order, so the j-th message rank a sends to rank b lands in the j-th receive b
 * posts from a. Every algorithm posts its receives from a peer in the order that peer sends, and
 * writes nothing that depends on the data it receives (the program is fixed before it runs).
 *
 * <p>One thread at a time advances a schedule (others that try return at once); completions may
 * arrive on any thread and only wake the thread that waits for the schedule.
 */
public final class Schedule implements BooleanSupplier {
    private static final DebugLog LOG = DebugLog.of(Schedule.class);

    private static final byte POST = 0;
    private static final byte AWAIT = 1;
    private static final byte LOCAL = 2;

    private final Transport transport;
    private final int rank;
    private final int size;
    private final String operation;
    private final String algorithm;
    private final long tag;
    private final long check;
    private final long sequence;
    private final long bytes;
    private final long timeoutNanos;
    private final ScratchPool scratch;
    private final int chunkBytes;

    /**
     * Set by {@link #announceCheck()}: the word's own messages, by peer, where the payloads cannot
     * carry it (null when they can): the one sent to a peer, and the one expected from it.
     */
    private Request[] said;
    private Request[] heard;

    private byte[] kinds = new byte[16];
    private Object[] steps = new Object[16];
    private int length;

    private final AtomicBoolean advancing = new AtomicBoolean();
    private volatile int next;
    private volatile boolean finished;
    private volatile RuntimeException failure;
    private volatile Thread waiter;
    private AtomicReference<Thread> sharedWaiter;
    /** The step that waits, and since when: the timeout counts from there. */
    private int waitingAt = -1;
    private long waitingSince;
    private Runnable onFinish;
    /** Whether each message is logged as it is posted (TRACE), decided once per schedule. */
    private final boolean trace;

    /**
     * @param check the word every message of the call carries and every receive expects: the call's
     *              arguments, so that ranks in different calls fail instead of mixing their messages
     * @param bytes the size of the call's largest buffer, for {@link #toString()}
     */
    public Schedule(Transport transport, int rank, int size, String operation, String algorithm, long tag, long check,
                    long sequence, long bytes, long timeoutNanos, ScratchPool scratch, int chunkBytes) {
        this.transport = transport;
        this.rank = rank;
        this.size = size;
        this.operation = operation;
        this.algorithm = algorithm;
        this.tag = tag;
        this.check = check;
        this.sequence = sequence;
        this.bytes = bytes;
        this.timeoutNanos = timeoutNanos;
        this.scratch = scratch;
        this.chunkBytes = chunkBytes;
        this.trace = LOG.trace();
    }

    private void trace(Request r) {
        LOG.log(DebugLog.Level.TRACE, "rank " + rank + ": " + operation + " #" + sequence + ": "
                + (r.send ? "send " + r.window.remaining() + " B to" : "receive " + r.window.remaining() + " B from")
                + " rank " + r.peer);
    }

    // ---- writing the program ----------------------------------------------------------------

    /** This rank. */
    public int rank() {
        return rank;
    }

    /** Number of ranks. */
    public int size() {
        return size;
    }

    /**
     * For a call whose messages may be too long for the transport to check ({@link
     * Transport#checkedMessageBytes()}): the schedule sends the check word in a message of its own
     * to each peer it sends to, first thing, and takes the word of each peer it receives from
     * before it posts the first receive of that peer's data, so that no data of another call is
     * ever taken. The words travel beside the data rather than in a round before it. A rank whose
     * messages carry the word (it saw short buffers) meets the other kind at its first message
     * either way: its word against the other's word message, or the word message's receive against
     * its first data message, since the transport reads the word of any message it can check
     * before it looks at the length. (Over a transport that checks no message at all, the word is
     * the payload and the schedule compares it.) Call before writing the program.
     */
    public void announceCheck() {
        if (check != 0) {
            said = new Request[size];
            heard = new Request[size];
        }
    }

    /** The window of a word message: empty where the transport checks it, else the word itself. */
    private ByteBuffer wordWindow() {
        return transport.checkedMessageBytes() > 0 ? Windows.EMPTY
                : ByteBuffer.allocate(Long.BYTES).putLong(0, check);
    }

    /** Starts sending {@code window} to {@code peer}; the returned request is what {@link #await} waits for. */
    public Request isend(int peer, ByteBuffer window) {
        if (said != null && said[peer] == null) {
            said[peer] = new Request(this, peer, true, wordWindow(), true); // posted first, by seal()
        }
        Request r = new Request(this, peer, true, window, false);
        add(POST, r);
        return r;
    }

    /** Posts a receive of exactly {@code window.remaining()} bytes from {@code peer}. */
    public Request irecv(int peer, ByteBuffer window) {
        if (heard != null && heard[peer] == null) {
            Request w = new Request(this, peer, false, wordWindow(), true);
            heard[peer] = w;
            add(POST, w);
            add(AWAIT, w);
            if (w.window.capacity() > 0) {
                local(() -> {
                    long theirs = w.window.getLong(0);
                    if (theirs != check) {
                        throw new CheckMismatch(rank, peer, check, theirs);
                    }
                });
            }
        }
        Request r = new Request(this, peer, false, window, false);
        add(POST, r);
        return r;
    }

    /** Waits for {@code r}, for at most the timeout; a failed request fails the schedule. */
    public void await(Request r) {
        add(AWAIT, r);
    }

    /** Waits for every non-null request of {@code rs}. */
    public void awaitAll(Request... rs) {
        for (Request r : rs) {
            if (r != null) {
                await(r);
            }
        }
    }

    /** Sends {@code out} to {@code to} while receiving {@code in} from {@code from}; goes on when both are done. */
    public void sendRecv(int to, ByteBuffer out, int from, ByteBuffer in) {
        Request rr = irecv(from, in);
        Request sr = isend(to, out);
        await(rr);
        await(sr);
    }

    /**
     * Ends the program, once the algorithm has written its steps: the word messages of {@link
     * #announceCheck()} go first, and the schedule ends when they are out.
     */
    public void seal() {
        if (said == null) {
            return;
        }
        int n = 0;
        for (Request w : said) {
            n += w == null ? 0 : 1;
        }
        byte[] k = new byte[length + 2 * n];
        Object[] st = new Object[k.length];
        System.arraycopy(kinds, 0, k, n, length);
        System.arraycopy(steps, 0, st, n, length);
        int first = 0;
        int last = n + length;
        for (Request w : said) {
            if (w != null) {
                k[first] = POST;
                st[first++] = w;
                k[last] = AWAIT;
                st[last++] = w;
            }
        }
        kinds = k;
        steps = st;
        length = last;
    }

    /** A local step: runs {@code step} on the thread that advances the schedule, when it gets there. */
    public void local(Runnable step) {
        add(LOCAL, step);
    }

    /** Copies {@code src}'s window into {@code dst} when the schedule gets there. */
    public void copy(ByteBuffer src, ByteBuffer dst) {
        local(() -> Windows.copy(src, dst));
    }

    /** {@code target = target op src}, elementwise, when the schedule gets there. */
    public void reduce(ByteBuffer target, ByteBuffer src, DataType type, ReduceOp op) {
        local(() -> ReductionKernel.reduce(target, src, type, op));
    }

    /** Divides every element of {@code data} by {@code n} (the last step of AVG). */
    public void divide(ByteBuffer data, DataType type, int n) {
        local(() -> ReductionKernel.divide(data, type, n));
    }

    /**
     * A scratch window of {@code bytes} bytes (see {@link ScratchPool} for the slots), a view of its
     * own: the program holds it until it runs.
     */
    public ByteBuffer scratch(int slot, int bytes, ByteOrder order) {
        return Windows.of(scratch.get(slot, bytes, order));
    }

    /** Whether every peer's messages stay inside this machine ({@link Transport#staysOnMachine}). */
    public boolean allPeersOnMachine() {
        for (int p = 0; p < size; p++) {
            if (p != rank && !transport.staysOnMachine(p)) {
                return false;
            }
        }
        return true;
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
            ByteBuffer in = pending[k & 1].window;
            await(pending[k & 1]);
            reduce(Windows.of(target, k * c, len), in, type, op);
            if (k + 2 < chunks) {
                pending[k & 1] = irecv(peer, Windows.of(slot[k & 1], 0, Math.min(c, n - (k + 2) * c)));
            }
        }
    }

    private void add(byte kind, Object step) {
        if (length == kinds.length) {
            kinds = Arrays.copyOf(kinds, 2 * length);
            steps = Arrays.copyOf(steps, 2 * length);
        }
        kinds[length] = kind;
        steps[length++] = step;
    }

    // ---- running it ---------------------------------------------------------------------------

    /** The operation this schedule carries out, e.g. {@code allReduce}. */
    public String operation() {
        return operation;
    }

    /** Runs {@code action} once, on the thread that finishes the schedule (with success or failure). */
    public void onFinish(Runnable action) {
        this.onFinish = action;
    }

    /**
     * Runs the program from where it stopped until a wait that is not over, or to the end. Returns
     * at once when another thread advances it now.
     *
     * @return whether the schedule has finished (successfully or not: see {@link #failure()})
     */
    public boolean advance() {
        if (!acquire()) {
            return finished;
        }
        try {
            int i = next;
            while (i < length) {
                Object step = steps[i];
                switch (kinds[i]) {
                    case POST -> {
                        Request r = (Request) step;
                        if (trace) {
                            trace(r);
                        }
                        if (r.send) {
                            transport.send(r.peer, tag, check, r.window, r);
                        } else {
                            transport.recv(r.peer, tag, check, r.window, r);
                        }
                    }
                    case AWAIT -> {
                        Request r = (Request) step;
                        int s = r.state();
                        if (s == Request.PENDING) {
                            if (waitingAt != i) {
                                waitingAt = i;
                                waitingSince = System.nanoTime();
                            }
                            next = i;
                            return false;
                        }
                        if (s == Request.FAILED) {
                            throw failed(r);
                        }
                    }
                    default -> ((Runnable) step).run();
                }
                i++;
            }
            next = i;
            finish(null);
        } catch (RuntimeException e) {
            finish(e);
        } finally {
            advancing.set(false);
        }
        return true;
    }

    /**
     * True when {@link #advance()} has something to do: the schedule finished, or the request it
     * waits for is in. A thread that waits for the schedule drives the transport until this holds.
     */
    @Override
    public boolean getAsBoolean() {
        if (finished) {
            return true;
        }
        int i = next;
        return i >= length || kinds[i] != AWAIT || ((Request) steps[i]).getAsBoolean();
    }

    /**
     * Fails the schedule when the message it waits for has not come within the timeout.
     *
     * @return whether it has finished
     */
    public boolean expire(long now) {
        if (!acquire()) {
            return finished;
        }
        try {
            int i = next;
            if (waitingAt == i && !((Request) steps[i]).getAsBoolean() && now - waitingSince > timeoutNanos) {
                finish(new ScheduleTimeout(rank, operation, sequence, "timed out after "
                        + (timeoutNanos / 1_000_000_000.0) + " s waiting for the " + ((Request) steps[i]).describe()
                        + " (collective #" + sequence + ")"));
            }
        } finally {
            advancing.set(false);
        }
        return finished;
    }

    /**
     * Takes the right to run the schedule, unless another thread has it or it has finished. The
     * second look at {@code finished} matters: a thread that saw it false may take the right just
     * after the thread that finished let go, and must not finish it again.
     */
    private boolean acquire() {
        if (finished || !advancing.compareAndSet(false, true)) {
            return false;
        }
        if (finished) {
            advancing.set(false);
            return false;
        }
        return true;
    }

    /** When the step the schedule waits at would time out ({@link System#nanoTime()} time). */
    public long deadline() {
        return waitingAt < 0 ? System.nanoTime() + timeoutNanos : waitingSince + timeoutNanos;
    }

    /** Why the schedule failed, or null (while running, or after success). */
    public RuntimeException failure() {
        return failure;
    }

    /** The thread to wake when a message of this schedule completes (null: none). */
    public void wakes(Thread thread) {
        this.waiter = thread;
    }

    /**
     * Wake whichever thread {@code holder} names when a message of this schedule completes: the one
     * thread that waits for a whole set of schedules in flight. Set before the schedule runs.
     */
    public void wakes(AtomicReference<Thread> holder) {
        this.sharedWaiter = holder;
    }

    void wake() {
        Thread me = Thread.currentThread();
        Thread w = waiter;
        if (w != null && w != me) {
            LockSupport.unpark(w);
        }
        AtomicReference<Thread> shared = sharedWaiter;
        Thread t = shared == null ? null : shared.get();
        if (t != null && t != me && t != w) {
            LockSupport.unpark(t);
        }
    }

    private void finish(RuntimeException e) {
        failure = e;
        Runnable action = onFinish;
        if (action != null) {
            action.run(); // before anyone can see the schedule finished
        }
        finished = true;
        wake();
    }

    private JcclException failed(Request r) {
        JcclException cause = r.failure();
        if (cause instanceof CheckMismatch) {
            return cause; // the communicator names who passed what
        }
        return new JcclException(rank, operation, "the " + r.describe() + " failed: " + cause.getMessage(), cause);
    }

    /** What the call is and what it waits for: for deadline dumps and timeouts. */
    @Override
    public String toString() {
        int i = next;
        String at = finished ? "finished" : i < length && kinds[i] == AWAIT
                ? "waiting for the " + ((Request) steps[i]).describe() : "computing";
        return operation + " #" + sequence + " (" + algorithm + ", " + bytes + " B), " + at;
    }
}
