package org.jccl.core;

import java.util.concurrent.locks.LockSupport;
import org.jccl.Configuration;

/**
 * A blocking call's schedule as a job for the transport's helper thread, for the one case where it
 * must run there: behind asynchronous messages handed over before it. The caller waits with
 * {@link #await()} (polls that yield the core for {@code jccl.spinMicros}, then parking) and gets
 * what the body threw.
 */
final class CollectiveJob implements Runnable {
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);

    private final Runnable body;
    private final Thread waiter = Thread.currentThread();
    private volatile boolean done;
    private volatile Throwable failure;

    CollectiveJob(Runnable body) {
        this.body = body;
    }

    @Override
    public void run() {
        try {
            body.run();
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
            LockSupport.unpark(waiter);
        }
    }

    /** Waits until the body has run; rethrows what it threw. */
    void await() {
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
