package org.jccl.communicator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.jccl.core.Schedule;
import org.jccl.core.ScheduleRunner;

/**
 * The future of an asynchronous collective. A thread that waits in {@code join()} or {@code get()}
 * drives the communicator itself until the collective's schedule has finished, then completes the
 * future on its own thread: no hand-off to another thread on the way back. Without such a waiter,
 * the common pool completes it, so that user callbacks never run on a thread that drives the
 * transport.
 */
final class CollectiveFuture extends CompletableFuture<Void> {
    private final ScheduleRunner runner;
    private Schedule schedule;
    private volatile boolean ended;
    private volatile RuntimeException failure;
    private volatile boolean joined;

    CollectiveFuture(ScheduleRunner runner) {
        this.runner = runner;
    }

    /** The schedule this future ends with; set before it starts. */
    void bind(Schedule s) {
        this.schedule = s;
    }

    /** The schedule has finished, with {@code e} (as the caller should see it) or null for success. */
    void ended(RuntimeException e) {
        failure = e;
        ended = true;
        if (!joined) {
            ForkJoinPool.commonPool().execute(this::settle);
        }
    }

    private void settle() {
        RuntimeException e = failure;
        if (e == null) {
            complete(null);
        } else {
            completeExceptionally(e);
        }
    }

    private void drive() {
        if (!super.isDone()) {
            joined = true;
            runner.await(schedule);
            if (ended) {
                settle();
            }
        }
    }

    @Override
    public Void join() {
        drive();
        return super.join();
    }

    @Override
    public Void get() throws InterruptedException, ExecutionException {
        drive();
        return super.get();
    }

    @Override
    public boolean isDone() {
        if (ended && !super.isDone()) {
            settle();
        }
        return super.isDone();
    }
}
