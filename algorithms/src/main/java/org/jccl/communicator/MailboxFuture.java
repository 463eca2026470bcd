package org.jccl.communicator;

import java.util.concurrent.CancellationException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The future of a {@link MatchingMailbox} operation. The thread that drives the transport
 * {@linkplain #finish finishes} it but never completes it, so that user callbacks never run there:
 * a caller waiting in it completes it after driving the transport until it finished; callbacks
 * already registered run in the common pool at once; a future nobody watches yet is completed by
 * whoever looks at it next, or by the common pool {@link #UNWATCHED_DELAY_NANOS} later (handing
 * every message of a stream to another thread would cost more than the messages).
 */
final class MailboxFuture<T> extends CompletableFuture<T> {
    private static final long UNWATCHED_DELAY_NANOS = 1_000_000L;
    /** How long a look at an unfinished future ({@link #isDone}) drives the transport. */
    private static final long LOOK_NANOS = 10_000L;
    private static final ScheduledThreadPoolExecutor LATER = later();
    private static final Queue<MailboxFuture<?>> UNWATCHED = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean SETTLING = new AtomicBoolean();

    /** How a caller waits: drives the transport (or parks) until the future finished or the deadline passed. */
    interface Waiting {
        void until(MailboxFuture<?> f, long deadlineNanos);
    }

    private final Waiting waiting;
    /** Made for a blocking call, whose caller completes it: nobody else needs to. */
    private final boolean awaited;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile boolean finished;
    private volatile Thread waiter;
    private T value;
    private Throwable error;
    /** Withdraws a receive nothing matched yet (true), or null: cancelling is not possible. */
    private BooleanSupplier withdraw;

    MailboxFuture(Waiting waiting, boolean awaited) {
        this.waiting = waiting;
        this.awaited = awaited;
    }

    /** Lets {@link #cancel} withdraw the operation while {@code withdraw} says it could. */
    void cancellable(BooleanSupplier withdraw) {
        this.withdraw = withdraw;
    }

    /** Whether the operation finished (the future may not be completed yet). */
    boolean finished() {
        return finished;
    }

    /** Ends the operation with {@code v}, or with {@code e} when not null; the first end counts. Any thread. */
    void finish(T v, Throwable e) {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        value = v;
        error = e;
        finished = true; // publishes value and error
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        } else if (awaited) {
            return; // its caller is about to look
        } else if (getNumberOfDependents() > 0) {
            ForkJoinPool.commonPool().execute(this::settle);
        } else {
            UNWATCHED.add(this);
            if (SETTLING.compareAndSet(false, true)) {
                LATER.schedule(() -> ForkJoinPool.commonPool().execute(MailboxFuture::settleUnwatched),
                        UNWATCHED_DELAY_NANOS, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static ScheduledThreadPoolExecutor later() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jccl-mailbox-settling");
            t.setDaemon(true);
            return t;
        });
        e.setKeepAliveTime(1, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /** Completes the finished futures nobody watched; those that finish meanwhile schedule the next round. */
    private static void settleUnwatched() {
        SETTLING.set(false);
        MailboxFuture<?> f;
        while ((f = UNWATCHED.poll()) != null) {
            f.settle();
        }
    }

    private void settle() {
        Throwable e = error;
        if (e == null) {
            complete(value);
        } else {
            completeExceptionally(e);
        }
    }

    private void await(long deadline) {
        if (!finished && !super.isDone()) {
            waiter = Thread.currentThread();
            try {
                waiting.until(this, deadline);
            } finally {
                waiter = null;
            }
        }
        if (finished) {
            settle();
        }
    }

    @Override
    public T join() {
        await(Long.MAX_VALUE);
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        await(Long.MAX_VALUE);
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        await(deadline);
        return super.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Whether the operation ended. Asking drives the transport for a moment first, as MPI's test
     * does: a mailbox's receives stand without a helper thread, so progress happens in calls.
     */
    @Override
    public boolean isDone() {
        if (!finished && !super.isDone()) {
            await(System.nanoTime() + LOOK_NANOS);
        } else if (finished) {
            settle();
        }
        return super.isDone();
    }

    @Override
    public boolean isCompletedExceptionally() {
        return isDone() && super.isCompletedExceptionally();
    }

    @Override
    public T getNow(T valueIfAbsent) {
        return isDone() ? super.getNow(valueIfAbsent) : valueIfAbsent;
    }

    /** Withdraws a receive that nothing matched yet; false (and no effect) otherwise, as MPI's cancel. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        BooleanSupplier w = withdraw;
        if (w == null || finished || !w.getAsBoolean()) {
            return false;
        }
        finish(null, new CancellationException("the receive was withdrawn before anything matched it"));
        return super.cancel(mayInterruptIfRunning);
    }
}
