package org.jccl.communicator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Futures complete on the common pool, so user callbacks never run on a transport thread, and
 * the communicator is marked broken before a failed future is seen.
 */
final class PostedMessage implements Completion {
    /** One daemon thread for every communicator's deadlines; it exits when none is pending. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private final int rank;
    private final String operation;
    private final String describe;
    private final CompletableFuture<Void> future;
    private final Consumer<JcclException> breaker;
    private final CommunicatorStatus status;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline;

    PostedMessage(int rank, String operation, boolean send, int peer, int bytes, CompletableFuture<Void> future,
                  Consumer<JcclException> breaker, CommunicatorStatus status) {
        this.rank = rank;
        this.operation = operation;
        this.describe = send ? "send of " + bytes + " B to rank " + peer : "receive of " + bytes + " B from rank " + peer;
        this.future = future;
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
            ForkJoinPool.commonPool().execute(() -> future.complete(null));
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
            ForkJoinPool.commonPool().execute(() -> {
                breaker.accept(e);
                future.completeExceptionally(e);
            });
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
}
