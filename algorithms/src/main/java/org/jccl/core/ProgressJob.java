package org.jccl.core;

import java.util.concurrent.locks.LockSupport;
import org.jccl.Configuration;

/**
 * A collective handed to a transport's progress thread, and the caller's wait for it: polls that
 * yield the core for {@code jccl.spinMicros}, then parking. What the body throws is rethrown in
 * the caller.
 */
public final class ProgressJob implements Runnable {
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);

    private final Runnable body;
    private final Thread waiter = Thread.currentThread();
    private volatile boolean done;
    private volatile Throwable failure;

    public ProgressJob(Runnable body) {
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
