package org.jccl.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.LockSupport;
import org.jccl.Configuration;

/**
 * One collective as a unit of work for another thread: an asynchronous collective's own thread, a
 * transport's helper thread, or a communicator's own thread. A blocking caller waits with
 * {@link #await()} (polls that yield the core for {@code jccl.spinMicros}, then parking) and gets
 * what the body threw; an asynchronous caller gets a future, completed on the common pool so that
 * user callbacks never run on the collective thread.
 */
public final class CollectiveJob implements Runnable {
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);

    private final Runnable body;
    private final CompletableFuture<Void> future;
    private final Thread waiter = Thread.currentThread();
    private volatile boolean done;
    private volatile Throwable failure;

    /** A job whose caller waits with {@link #await()} (future null) or watches {@code future}. */
    public CollectiveJob(Runnable body, CompletableFuture<Void> future) {
        this.body = body;
        this.future = future;
    }

    @Override
    public void run() {
        try {
            body.run();
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
            if (future == null) {
                LockSupport.unpark(waiter);
            } else {
                Throwable t = failure;
                ForkJoinPool.commonPool().execute(() -> {
                    if (t == null) {
                        future.complete(null);
                    } else {
                        future.completeExceptionally(t);
                    }
                });
            }
        }
    }

    /** Waits until the body has run; rethrows what it threw. */
    public void await() {
        long start = System.nanoTime();
        while (!done && System.nanoTime() - start < SPIN_NANOS) {
            Thread.yield();
        }
        while (!done) {
            LockSupport.park(this);
        }
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }
}
