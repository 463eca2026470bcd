package org.jccl.communicator;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * a thread waiting in the future's {@code join} or {@code get} is woken and completes it (no thread
 * hop when the caller waits, as a stream of messages does); with nobody waiting, the common pool
 * does. The communicator is marked broken before a failed future is seen.
 */
final class PostedMessage implements Completion {
    /** One daemon thread for every communicator's deadlines; it exits when none is pending. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
    /** Finished messages whose futures wait for the common pool, and whether a task there is on it. */
    private static final Queue<PostedMessage> UNCLAIMED = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean SETTLING = new AtomicBoolean();

    private final int rank;
    private final String operation;
    private final String describe;
    private final Outcome future = new Outcome();
    private final Consumer<JcclException> breaker;
    private final CommunicatorStatus status;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline;
    /** Set once the message finished: null for success, else why it failed. */
    private volatile JcclException failure;
    private volatile boolean handedOver;

    PostedMessage(int rank, String operation, boolean send, int peer, int bytes, Consumer<JcclException> breaker,
                  CommunicatorStatus status) {
        this.rank = rank;
        this.operation = operation;
        this.describe = send ? "send of " + bytes + " B to rank " + peer : "receive of " + bytes + " B from rank " + peer;
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
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** The future the caller gets. */
    CompletableFuture<Void> future() {
        return future;
    }

    /** Starts the clock: after {@code timeoutNanos} an unfinished message fails the communicator. */
    void startClock(long timeoutNanos) {
        deadline = DEADLINES.schedule(() -> fail(new JcclException(rank, operation, "timed out after "
                + (timeoutNanos / 1_000_000_000.0) + " s waiting for the " + describe)), timeoutNanos, TimeUnit.NANOSECONDS);
        if (finished.get()) {
            deadline.cancel(false);
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
        fail(new JcclException(rank, operation, "the " + describe + " failed: " + cause.getMessage(), cause));
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
     * Lets a waiting caller complete the future, or else the common pool: one task there settles
     * every message that finished meanwhile, so that a window of messages costs one thread wake-up,
     * not one each.
     */
    private void handOver() {
        handedOver = true;
        Thread w = future.waiter.get();
        if (w != null) {
            LockSupport.unpark(w);
            return;
        }
        UNCLAIMED.add(this);
        if (SETTLING.compareAndSet(false, true)) {
            ForkJoinPool.commonPool().execute(PostedMessage::settleUnclaimed);
        }
    }

    /**
     * Settles the messages nobody waited for. A future with callbacks is settled in a task of its
     * own, so that a callback that blocks cannot hold up the others.
     */
    private static void settleUnclaimed() {
        do {
            PostedMessage m;
            while ((m = UNCLAIMED.poll()) != null) {
                if (m.future.getNumberOfDependents() == 0) {
                    m.settle();
                } else {
                    ForkJoinPool.commonPool().execute(m::settle);
                }
            }
            SETTLING.set(false);
        } while (!UNCLAIMED.isEmpty() && SETTLING.compareAndSet(false, true));
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
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
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

        /** One waiter at a time takes this path; others wait the usual way, for the one that settles. */
        private void awaitHandedOver(long deadline) {
            Thread me = Thread.currentThread();
            if (isDone() || !waiter.compareAndSet(null, me)) {
                return;
            }
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
            }
            if (handedOver) {
                settle();
            }
        }
    }
}
