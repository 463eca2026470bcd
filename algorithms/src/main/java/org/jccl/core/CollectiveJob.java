package org.jccl.core;

import java.util.concurrent.locks.LockSupport;
import org.jccl.spi.PollingWait;

/**
 * A blocking call's schedule as a job for the transport's helper thread, for the one case where it
 * must run there: behind asynchronous messages handed over before it. The caller waits with
 * {@link #await()} ({@link PollingWait#parking()}) and gets
 * what the body threw.
 */
final class CollectiveJob implements Runnable {
    private static final PollingWait WAITING = PollingWait.parking();

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
        WAITING.until(() -> done, System.nanoTime() + Long.MAX_VALUE / 2); // no deadline: the body has its own
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }
}
