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
    private volatile Thread thread;

    private WakeupTimer() {
    }

    /** Called before {@code u} blocks: a transport with operations posted gets signalled from now on. */
    void watch(WorkerDriver u) {
        if (watched.add(u) && running.compareAndSet(false, true)) {
            Thread t = new Thread(this::run, "jccl-ucx-timer");
            t.setDaemon(true);
            thread = t;
            t.start();
        } else if (u.hasOutstanding()) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        long sleep = BUSY_NANOS;
        while (true) {
            LockSupport.parkNanos(sleep);
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
            // second it cost an idle rank 0.7 % of a core)
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
}
