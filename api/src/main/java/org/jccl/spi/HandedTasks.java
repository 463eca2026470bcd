package org.jccl.spi;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The small tasks (posts, aborts) that threads which do not drive a transport hand to the thread
 * that does. The driver runs them in the order handed over, and runs them before it posts anything
 * of its own ({@link #runBefore}): one schedule's operations may be posted by several threads in
 * turn, and with one tag and peer they must reach the wire in the order posted.
 */
public final class HandedTasks {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    /** Hands {@code task} over; the caller then wakes the driver. */
    public void add(Runnable task) {
        tasks.add(task);
    }

    /** True while nothing waits to run. */
    public boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** Runs what was handed over, in order; the driver only. Returns how many ran. */
    public int runAll() {
        int n = 0;
        Runnable t;
        while ((t = tasks.poll()) != null) {
            t.run();
            n++;
        }
        return n;
    }

    /** Runs what was handed over, then {@code own}; the driver only. */
    public void runBefore(Runnable own) {
        runAll();
        own.run();
    }
}
