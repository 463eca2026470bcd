package org.jccl.transport.ucx;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Signals blocked workers with operations posted every 10 ms, so that a missed wake-up costs at
 * most that (a blocked UCX wait has been seen to sleep with work pending); a worker with nothing
 * posted sleeps until something arrives (2 idle ranks used 4 % of a core each when every blocked
 * worker was signalled). Its thread runs while some transport is open, and ends within a second of
 * the last one closing.
 */
final class WakeupTimer {
    static final WakeupTimer INSTANCE = new WakeupTimer();
    private static final long BUSY_NANOS = 10_000_000L;
    /** How long the timer sleeps while no watched transport has operations posted; also how soon it ends after the last closes. */
    private static final long IDLE_NANOS = 1_000_000_000L;
    private final Set<WorkerDriver> watched = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    /** True while the timer sleeps for {@link #IDLE_NANOS}: a worker that blocks with operations posted then wakes it. */
    private volatile boolean idle;
    private volatile Thread thread;

    private WakeupTimer() {
    }

    /**
     * Called before {@code u} blocks: a transport with operations posted gets signalled from now on,
     * within {@link #BUSY_NANOS}. Only a timer in its idle sleep is woken, and it then starts a busy
     * period instead of signalling at once: a signal right after the block would turn every blocked
     * wait into two thread switches on the waiter's core (up to 2,400 a second were seen).
     */
    void watch(WorkerDriver u) {
        if (watched.add(u) && running.compareAndSet(false, true)) {
            Thread t = new Thread(this::run, "jccl-ucx-timer");
            t.setDaemon(true);
            thread = t;
            t.start();
        } else if (idle && u.hasOutstanding()) {
            idle = false;
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        long sleep = BUSY_NANOS;
        while (true) {
            LockSupport.parkNanos(sleep);
            if (sleep == IDLE_NANOS && !idle) {
                sleep = BUSY_NANOS; // woken by watch: the worker that just blocked gets its signal a period from now
                continue;
            }
            boolean busy = false;
            for (WorkerDriver u : watched) {
                if (u.stopped()) {
                    watched.remove(u);
                } else if (u.hasOutstanding()) {
                    busy = true;
                    u.signalIfBlocked();
                }
            }
            // an idle transport misses nothing it waits for: the timer sleeps too (at 100 wake-ups a
            // second it cost an idle rank 0.7 % of a core); idle is published before the second look
            // at the transports, and watch posts before it reads idle, so one of them sees the other
            idle = !busy;
            if (!busy && anyOutstanding()) {
                idle = false;
                busy = true;
            }
            sleep = busy ? BUSY_NANOS : IDLE_NANOS;
            if (watched.isEmpty()) {
                running.set(false);
                // a transport that came meanwhile either saw this thread running or starts another
                if (watched.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    private boolean anyOutstanding() {
        for (WorkerDriver u : watched) {
            if (u.hasOutstanding()) {
                return true;
            }
        }
        return false;
    }
}
