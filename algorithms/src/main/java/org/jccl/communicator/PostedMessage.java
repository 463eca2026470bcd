package org.jccl.communicator;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jccl.JcclException;
import org.jccl.core.CommunicatorStatus;
import org.jccl.spi.Completion;

/**
 * One asynchronous send or receive. Its job only posts it to the transport and returns, so that
 * the next call (another send, say) is posted while this one is still on the wire: a stream of
 * {@code sendAsync} calls overlaps the way a window of {@code MPI_Isend}s does. The transport's
 * completion finishes the future; a deadline, counted from the call, fails it and breaks the
 * communicator (on every rank, through the transport's abort) when the peer never answers.
 *
 * <p>The transport's thread never completes the future itself, so user callbacks never run there:
 * a caller waiting in the future completes it, or the common pool does ({@link #handOver}). The
 * communicator is marked broken before a failed future is seen.
 */
final class PostedMessage implements Completion {
    /**
     * One daemon thread for every communicator's deadlines and delayed settling; it exits when idle.
     * Deadlines are not scheduled one by one (cancelling the next one to fire wakes the thread, a
     * wake-up per message): a sweep checks the unfinished messages every {@link #SWEEP_NANOS}.
     */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
    private static final long SWEEP_NANOS = 10_000_000L;
    private static final Set<PostedMessage> UNFINISHED = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean SWEEPING = new AtomicBoolean();
    /** How long a finished message nobody watches may wait before the common pool settles it. */
    private static final long UNWATCHED_DELAY_NANOS = 1_000_000L;
    /** Finished messages nobody watched, and whether a settling of them is scheduled. */
    private static final Queue<PostedMessage> UNWATCHED = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean SETTLING = new AtomicBoolean();
    /** Callers waiting in a future: each settles the unwatched messages when it wakes. */
    private static final AtomicInteger WAITERS = new AtomicInteger();

    private final int rank;
    private final String operation;
    private final boolean send;
    private final int peer;
    private final int bytes;
    private final Outcome future = new Outcome();
    private final Consumer<JcclException> breaker;
    private final CommunicatorStatus status;
    private final AtomicBoolean finished = new AtomicBoolean();
    private long timeoutNanos;
    private long deadline;
    /** Set once the message finished: null for success, else why it failed. */
    private volatile JcclException failure;
    private volatile boolean handedOver;

    PostedMessage(int rank, String operation, boolean send, int peer, int bytes, Consumer<JcclException> breaker,
                  CommunicatorStatus status) {
        this.rank = rank;
        this.operation = operation;
        this.send = send;
        this.peer = peer;
        this.bytes = bytes;
        this.breaker = breaker;
        this.status = status;
        status.posted(1);
    }

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jccl-deadlines");
            t.setDaemon(true);
            return t;
        });
        e.setKeepAliveTime(1, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /** What this message is, for errors (built only then). */
    private String describe() {
        return send ? "send of " + bytes + " B to rank " + peer : "receive of " + bytes + " B from rank " + peer;
    }

    /** The future the caller gets. */
    CompletableFuture<Void> future() {
        return future;
    }

    /** Starts the clock: after {@code timeoutNanos} an unfinished message fails the communicator. */
    void startClock(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        this.deadline = System.nanoTime() + timeoutNanos;
        UNFINISHED.add(this);
        if (finished.get()) {
            UNFINISHED.remove(this);
        } else if (SWEEPING.compareAndSet(false, true)) {
            DEADLINES.schedule(PostedMessage::sweep, SWEEP_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** Fails the messages past their deadline; runs again while any message is unfinished. */
    private static void sweep() {
        long now = System.nanoTime();
        for (PostedMessage m : UNFINISHED) {
            if (now - m.deadline >= 0) {
                m.fail(new JcclException(m.rank, m.operation, "timed out after " + (m.timeoutNanos / 1_000_000_000.0)
                        + " s waiting for the " + m.describe()));
            }
        }
        settleUnwatchedInPool();
        SWEEPING.set(false);
        // a message that came meanwhile either saw the sweep scheduled or schedules the next one
        if (!UNFINISHED.isEmpty() && SWEEPING.compareAndSet(false, true)) {
            DEADLINES.schedule(PostedMessage::sweep, SWEEP_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void completed() {
        if (finish()) {
            handOver();
        }
    }

    @Override
    public void failed(JcclException cause) {
        fail(new JcclException(rank, operation, "the " + describe() + " failed: " + cause.getMessage(), cause));
    }

    /** Fails the message with {@code e} as it is: for a call that could not even be posted. */
    void refuse(JcclException e) {
        fail(e);
    }

    private void fail(JcclException e) {
        if (finish()) {
            failure = e; // before handOver publishes the end
            handOver();
        }
    }

    /**
     * Lets whoever watches the future complete it. A caller waiting in it is woken. Callbacks
     * already registered run in the common pool at once. A future nobody watches yet is settled
     * by the caller that looks at it next ({@code join}, {@code get}, {@code isDone}). Waking a
     * thread per message would cost more than the messages of a stream, so the rest waits: while
     * some caller waits in another future (as one does for the last message of a window), that
     * caller settles it when it wakes, and the deadline sweep within {@link #SWEEP_NANOS}; else the
     * common pool does {@link #UNWATCHED_DELAY_NANOS} later, for everything that finished meanwhile.
     */
    private void handOver() {
        handedOver = true;
        Thread w = future.waiter.get();
        if (w != null) {
            LockSupport.unpark(w);
        } else if (future.getNumberOfDependents() > 0) {
            ForkJoinPool.commonPool().execute(this::settle);
        } else {
            UNWATCHED.add(this);
            // after the add: a waiter leaving either drains this message or is seen gone here
            if (WAITERS.get() == 0 && SETTLING.compareAndSet(false, true)) {
                DEADLINES.schedule(() -> ForkJoinPool.commonPool().execute(PostedMessage::settleUnwatched),
                        UNWATCHED_DELAY_NANOS, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Hands the unwatched messages to the common pool now, unless a settling of them is on its way. */
    private static void settleUnwatchedInPool() {
        if (!UNWATCHED.isEmpty() && SETTLING.compareAndSet(false, true)) {
            ForkJoinPool.commonPool().execute(PostedMessage::settleUnwatched);
        }
    }

    private static void settleUnwatched() {
        do {
            SETTLING.set(false);
            drainUnwatched();
        } while (!UNWATCHED.isEmpty() && SETTLING.compareAndSet(false, true));
    }

    private static void drainUnwatched() {
        PostedMessage m;
        while ((m = UNWATCHED.poll()) != null) {
            m.settle();
        }
    }

    /** Completes the future; a waiter and the common pool may both get here, and the first one counts. */
    private void settle() {
        JcclException e = failure;
        if (e == null) {
            future.complete(null);
        } else {
            breaker.accept(e);
            future.completeExceptionally(e);
        }
    }

    private boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        UNFINISHED.remove(this);
        status.posted(-1);
        return true;
    }

    /**
     * The caller's future. Waiting in it publishes the waiting thread before it looks at whether the
     * message finished, and {@link #handOver} the other way round, so either the waiter sees the end
     * or the transport sees the waiter; both may settle, which is harmless.
     */
    private final class Outcome extends CompletableFuture<Void> {
        final AtomicReference<Thread> waiter = new AtomicReference<>();

        @Override
        public Void join() {
            awaitHandedOver(Long.MAX_VALUE);
            return super.join();
        }

        @Override
        public Void get() throws InterruptedException, ExecutionException {
            awaitHandedOver(Long.MAX_VALUE);
            return super.get();
        }

        @Override
        public Void get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            awaitHandedOver(deadline);
            return super.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        @Override
        public boolean isDone() {
            settleIfFinished();
            return super.isDone();
        }

        @Override
        public boolean isCompletedExceptionally() {
            settleIfFinished();
            return super.isCompletedExceptionally();
        }

        @Override
        public Void getNow(Void valueIfAbsent) {
            settleIfFinished();
            return super.getNow(valueIfAbsent);
        }

        private void settleIfFinished() {
            if (handedOver && !super.isDone()) {
                settle();
            }
        }

        /** One waiter at a time takes this path; others wait the usual way, for the one that settles. */
        private void awaitHandedOver(long deadline) {
            Thread me = Thread.currentThread();
            if (super.isDone() || !waiter.compareAndSet(null, me)) {
                return;
            }
            WAITERS.incrementAndGet();
            try {
                while (!handedOver && !me.isInterrupted()) {
                    long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
            } finally {
                waiter.set(null);
                WAITERS.decrementAndGet();
            }
            if (handedOver) {
                settle();
            }
            drainUnwatched(); // what finished while this caller slept (the rest of a window) needs no other thread
            if (WAITERS.get() == 0) {
                settleUnwatchedInPool();
            }
        }
    }
}
