package org.jccl.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jccl.spi.PollingWait;
import org.jccl.spi.Progress;

/**
 * Runs a communicator's {@link Schedule}s. A blocking call's schedule runs on the caller's thread,
 * which drives the transport itself while it waits ({@link Progress#driveUntil}) and advances the
 * asynchronous schedules in flight as it goes. Asynchronous schedules start on the caller's thread
 * and go on wherever the communicator is driven: in a caller that waits (a blocking call, or a
 * {@code join} on one of their futures), otherwise on this runner's progress thread, which runs only
 * while asynchronous schedules are in flight and no caller drives, and parks otherwise.
 *
 * <p>Over a transport that completes operations without being driven ({@code progress()} null)
 * a waiting thread spins briefly, yields the core for {@code jccl.spinMicros}, then parks until a
 * completion wakes it; the progress thread then advances the asynchronous schedules on its own.
 */
public final class ScheduleRunner implements AutoCloseable {
    /** Longest park of the progress thread with nothing in flight, or while callers drive. */
    private static final long IDLE_PARK_NANOS = 1_000_000_000L;

    private final Progress progress;
    /** How a thread waits over a transport that needs no driving. */
    private final PollingWait waiting = PollingWait.parking();
    private final String threadName;
    private final ConcurrentLinkedQueue<Schedule> inFlight = new ConcurrentLinkedQueue<>();
    /** Threads that drive the communicator for a schedule of their own; the progress thread gives way to them. */
    private final AtomicInteger callers = new AtomicInteger();
    /** The thread that waits for the asynchronous schedules in flight, if one does. */
    private final AtomicReference<Thread> asyncWaiter = new AtomicReference<>();
    /** What ends the progress thread's wait: work for it, or a caller to give way to. */
    private final BooleanSupplier asyncWorkOrCaller = this::asyncWorkOrCaller;
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param progress how the transport is driven, or null when it need not be
     * @param threadName the name of the progress thread, started with the first asynchronous schedule
     */
    public ScheduleRunner(Progress progress, String threadName) {
        this.progress = progress;
        this.threadName = threadName;
    }

    /**
     * Runs {@code s} to its end on this thread; its failure, if any, is left in
     * {@link Schedule#failure()}. When asynchronous point-to-point messages handed to the transport
     * before are still waiting to be posted, it runs on the transport's helper after them instead,
     * so that messages with one tag keep their order.
     */
    public void run(Schedule s) {
        drive(s, true);
    }

    /** Starts {@code s} on this thread and leaves the rest to whoever drives next. */
    public void start(Schedule s) {
        s.wakes(asyncWaiter);
        if (s.advance()) {
            return;
        }
        inFlight.add(s);
        if (callers.get() == 0 || progress == null) {
            wakeProgressThread();
        }
    }

    /** Waits until the asynchronous schedule {@code s} (started with {@link #start}) has finished, driving meanwhile. */
    public void await(Schedule s) {
        drive(s, false);
    }

    private void drive(Schedule s, boolean ordered) {
        s.wakes(Thread.currentThread());
        if (progress == null) {
            waitWithoutDriving(s);
        } else if (progress.inProgressThread()) {
            driveLoop(s);
        } else {
            asCaller(s, ordered);
        }
    }

    /**
     * Drives as a caller, for whom the progress thread gives way: holding the transport's driver
     * lock throughout when it can ({@link Progress#runInCaller}), else waiting for it as a follower
     * (or, with {@code ordered}, behind the jobs handed to the transport before).
     */
    private void asCaller(Schedule s, boolean ordered) {
        callers.incrementAndGet();
        try {
            if (!progress.runInCaller(() -> driveLoop(s))) {
                if (ordered) {
                    CollectiveJob job = new CollectiveJob(() -> driveLoop(s));
                    progress.execute(job);
                    job.await();
                } else {
                    driveLoop(s);
                }
            }
        } finally {
            if (callers.decrementAndGet() == 0 && !inFlight.isEmpty()) {
                wakeProgressThread(); // what is still in flight is its work again
            }
        }
    }

    private void driveLoop(Schedule s) {
        BooleanSupplier until = () -> s.getAsBoolean() || asyncWork();
        while (!s.advance()) {
            advanceInFlight();
            if (!progress.driveUntil(until, s.deadline())) {
                s.expire(System.nanoTime());
            }
        }
    }

    private void waitWithoutDriving(Schedule s) {
        while (!s.advance()) {
            if (!waiting.until(s, s.deadline())) {
                s.expire(System.nanoTime());
            }
        }
    }

    /** True when an asynchronous schedule has something to do. */
    private boolean asyncWork() {
        if (inFlight.isEmpty()) {
            return false;
        }
        for (Schedule s : inFlight) {
            if (s.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    private boolean asyncWorkOrCaller() {
        return asyncWork() || callers.get() > 0 || closed;
    }

    private void advanceInFlight() {
        if (inFlight.isEmpty()) {
            return;
        }
        for (Schedule s : inFlight) {
            if (s.advance()) {
                inFlight.remove(s);
            }
        }
    }

    private void expireInFlight() {
        long now = System.nanoTime();
        for (Schedule s : inFlight) {
            if (s.expire(now)) {
                inFlight.remove(s);
            }
        }
    }

    private long earliestDeadline() {
        long d = System.nanoTime() + IDLE_PARK_NANOS;
        for (Schedule s : inFlight) {
            long sd = s.deadline();
            if (sd - d < 0) {
                d = sd;
            }
        }
        return d;
    }

    private synchronized void wakeProgressThread() {
        if (closed) {
            return;
        }
        if (thread == null) {
            thread = new Thread(this::progressLoop, threadName);
            thread.setDaemon(true);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
    }

    private void progressLoop() {
        Thread me = Thread.currentThread();
        while (!closed || !inFlight.isEmpty()) {
            if (inFlight.isEmpty() || (progress != null && callers.get() > 0 && !closed)) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS); // a new schedule, or the last caller leaving, wakes it
                continue;
            }
            asyncWaiter.set(me);
            try {
                advanceInFlight();
                expireInFlight();
                if (inFlight.isEmpty()) {
                    continue;
                }
                if (progress == null || closed) {
                    LockSupport.parkNanos(this, Math.max(1, Math.min(earliestDeadline() - System.nanoTime(),
                            closed ? 1_000_000L : IDLE_PARK_NANOS)));
                } else {
                    progress.driveUntil(asyncWorkOrCaller, earliestDeadline());
                }
            } catch (RuntimeException e) {
                // a transport that failed fails the operations posted on it: the schedules see that
                LockSupport.parkNanos(this, 1_000_000L);
            } finally {
                asyncWaiter.set(null);
            }
        }
    }

    /**
     * Stops the progress thread once the schedules in flight have finished; the caller has closed
     * the transport, which fails their pending operations.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
