package org.jccl.transport.tcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jccl.spi.HandedTasks;
import org.jccl.spi.PollingWait;
import org.jccl.spi.Progress;

/**
 * Who drives a tcp transport's sockets, and when. Any thread may: whoever holds the driver lock
 * polls the selector, reads, writes and matches; everyone else hands it small tasks. A blocking
 * call runs its whole collective on the caller's thread ({@link #runInCaller}), so a message costs
 * no thread hand-off and no wake-up: the caller polls its non-blocking sockets itself, busily for a
 * few microseconds, then yielding the core for {@code jccl.spinMicros}, then blocked in the selector.
 * Where ranks outnumber the cores it yields from the first poll on, and for
 * {@code jccl.oversubscribedSpinMicros} before it blocks.
 *
 * <p>A helper thread covers what no caller drives: asynchronous collectives handed to
 * {@link #execute}, messages posted without anybody waiting for them (asynchronous point-to-point,
 * an abort's frames still in the socket buffer) and, once callers have been away for
 * {@link #CALLER_GRACE_NANOS}, the listening socket and the peers' control frames. It steps aside
 * while a caller drives, and blocks in the selector, using no CPU, when there is nothing to do.
 */
final class SocketDriver implements Progress {
    /** Longest single block in the selector while a wait has a deadline: bounds a missed wake-up. */
    private static final long MAX_BLOCK_NANOS = 50_000_000L;
    /** Longest block of the idle helper: how often it looks at handshakes that may have expired. */
    private static final long IDLE_BLOCK_NANOS = 250_000_000L;
    /**
     * How long after a caller's last call the helper stays away from the selector: an application
     * calling in a loop keeps the sockets to itself and never has to wake the helper to take them.
     */
    private static final long CALLER_GRACE_NANOS = 20_000_000L;

    /** What the driver drives: the transport's sockets. */
    interface Sockets {
        /** Handles one ready key (driver only). */
        void ready(SelectionKey key);

        /** True while operations or output are pending that no caller may be waiting for. */
        boolean busy();

        /** Closes handshakes that ran out of time; returns nanoseconds until the next one may (driver only). */
        long expireHandshakes(long now);
    }

    private final Selector selector;
    private final Sockets sockets;
    private final ReentrantLock lock = new ReentrantLock();
    private final HandedTasks tasks = new HandedTasks();
    private final ConcurrentLinkedQueue<Runnable> jobs = new ConcurrentLinkedQueue<>();
    /** Threads waiting while another drives; the driver wakes one when it lets go. */
    private final ConcurrentLinkedQueue<Thread> followers = new ConcurrentLinkedQueue<>();
    /** Callers that want or hold the lock to drive; the helper steps aside for them. */
    private final AtomicInteger callers = new AtomicInteger();
    private final Thread helper;
    private volatile long callerLeft;
    private volatile boolean selecting;
    private volatile boolean stopping;
    /** How a caller waits while it drives: polls, then yields, then blocks in the selector. */
    private final PollingWait waiting = new PollingWait(new PollingWait.Driven() {
        @Override
        public int pollOnce() {
            return SocketDriver.this.pollOnce();
        }

        @Override
        public void block(long maxNanos) {
            SocketDriver.this.block(Math.min(maxNanos, MAX_BLOCK_NANOS));
        }
    });

    SocketDriver(String name, Sockets sockets) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.sockets = sockets;
        this.callerLeft = System.nanoTime();
        this.helper = new Thread(this::helperLoop, name);
        helper.setDaemon(true);
    }

    Selector selector() {
        return selector;
    }

    /** Starts the helper (once the connections are up). */
    void start() {
        helper.start();
    }

    /**
     * More ranks on these cores than cores: a peer waited for may need this very core, so waits yield
     * it at once, and for longer before they block.
     */
    void oversubscribed(boolean yes) {
        waiting.oversubscribed(yes);
    }

    // ---- handing work to the driver --------------------------------------------------------

    /**
     * Runs {@code task} now if this thread drives or can take the lock (after the tasks handed over
     * before, see {@link HandedTasks}), else hands it to whoever drives.
     */
    void submit(Runnable task) {
        if (lock.isHeldByCurrentThread()) {
            tasks.runBefore(task);
        } else if (lock.tryLock()) {
            try {
                tasks.runBefore(task);
            } finally {
                release();
            }
        } else {
            tasks.add(task);
            wake();
        }
    }

    /** Runs {@code task} on this thread holding the lock, however long that takes to get. */
    void withLock(Runnable task) {
        asCaller(task, false);
    }

    /**
     * Runs {@code task} holding the lock as a caller, for whom the helper steps aside; with
     * {@code afterJobs}, only when no job handed over before is waiting.
     *
     * @return whether {@code task} ran
     */
    private boolean asCaller(Runnable task, boolean afterJobs) {
        callers.incrementAndGet();
        try {
            if (selecting) {
                selector.wakeup(); // the helper blocks in the selector holding the lock: make it let go
            }
            lock.lock();
            try {
                if (afterJobs && (stopping || !jobs.isEmpty())) {
                    return false; // what was handed over before this call runs first, in order, on the helper
                }
                task.run();
                return true;
            } finally {
                release();
            }
        } finally {
            callerLeft = System.nanoTime();
            if (callers.decrementAndGet() == 0 && (!jobs.isEmpty() || sockets.busy())) {
                LockSupport.unpark(helper); // it stepped aside for this caller; what is left is its work
            }
        }
    }

    /** True when the calling thread drives now. */
    boolean driving() {
        return lock.isHeldByCurrentThread();
    }

    private void wake() {
        if (selecting) {
            selector.wakeup();
        }
        LockSupport.unpark(helper);
    }

    /** Unlocks; tasks handed in meanwhile run first, and work no caller drives goes to the helper. */
    private void release() {
        if (lock.getHoldCount() > 1) {
            lock.unlock(); // a nested hold: the outermost one lets go, and runs what came meanwhile
            return;
        }
        while (true) {
            tasks.runAll();
            lock.unlock();
            if (tasks.isEmpty() || !lock.tryLock()) {
                break;
            }
        }
        Thread next = followers.peek();
        if (next != null) {
            LockSupport.unpark(next);
        }
        if (callers.get() == 0 && (sockets.busy() || !jobs.isEmpty())) {
            LockSupport.unpark(helper);
        }
    }

    // ---- Progress ---------------------------------------------------------------------------

    @Override
    public void execute(Runnable job) {
        jobs.add(job);
        wake();
    }

    @Override
    public boolean inProgressThread() {
        return lock.isHeldByCurrentThread();
    }

    @Override
    public boolean runInCaller(Runnable job) {
        return !stopping && jobs.isEmpty() && asCaller(job, true);
    }

    @Override
    public boolean driveUntil(BooleanSupplier done, long deadlineNanos) {
        if (lock.isHeldByCurrentThread()) {
            return waiting.until(done, deadlineNanos);
        }
        // a follower: another thread drives and completes what this one waits for (which unparks it),
        // or lets go of the lock and wakes it to drive
        Thread me = Thread.currentThread();
        followers.add(me);
        try {
            while (!done.getAsBoolean()) {
                if (System.nanoTime() - deadlineNanos >= 0) {
                    return false;
                }
                if (lock.tryLock()) {
                    followers.remove(me);
                    try {
                        return waiting.until(done, deadlineNanos);
                    } finally {
                        release();
                    }
                }
                LockSupport.parkNanos(this, MAX_BLOCK_NANOS);
            }
            return true;
        } finally {
            followers.remove(me);
        }
    }

    /** One round: the tasks handed in, then every socket that is ready. Driver only. */
    private int pollOnce() {
        int n = tasks.runAll();
        try {
            if (selector.selectNow() > 0) {
                n += handleSelected();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** Blocks in the selector for at most {@code nanos}, then handles what is ready. Driver only. */
    private void block(long nanos) {
        selecting = true; // before looking at the queue, which wake() fills before it looks at this flag
        try {
            if (!tasks.isEmpty() || stopping) {
                return;
            }
            long timeout = Math.min(nanos, sockets.expireHandshakes(System.nanoTime()));
            if (selector.select(Math.max(1, timeout / 1_000_000)) > 0) {
                handleSelected();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            selecting = false;
        }
    }

    private int handleSelected() {
        int n = 0;
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            if (k.isValid()) {
                sockets.ready(k);
                n++;
            }
        }
        return n;
    }

    // ---- the helper thread ------------------------------------------------------------------

    private void helperLoop() {
        while (!stopping) {
            long now = System.nanoTime();
            boolean work = !jobs.isEmpty() || !tasks.isEmpty() || sockets.busy();
            long away = now - callerLeft;
            if (callers.get() > 0 && jobs.isEmpty()) {
                LockSupport.parkNanos(this, CALLER_GRACE_NANOS); // a caller drives; it unparks this thread when it leaves
                continue;
            }
            if (!work && away < CALLER_GRACE_NANOS) {
                LockSupport.parkNanos(this, CALLER_GRACE_NANOS - away);
                continue;
            }
            lock.lock();
            try {
                Runnable job = jobs.poll();
                if (job != null) {
                    job.run();
                    continue;
                }
                long lastActive = System.nanoTime();
                // keep the sockets until a caller or a job wants them
                while (!stopping && callers.get() == 0 && jobs.isEmpty()) {
                    long t = System.nanoTime();
                    if (pollOnce() > 0) {
                        lastActive = t;
                    } else if (t - lastActive < PollingWait.SPIN_NANOS && sockets.busy()) {
                        Thread.yield();
                    } else {
                        block(sockets.busy() ? MAX_BLOCK_NANOS : IDLE_BLOCK_NANOS);
                        lastActive = sockets.busy() ? System.nanoTime() : lastActive;
                    }
                }
            } catch (RuntimeException e) {
                // a socket failure is reported through the operations it fails; the helper carries on
            } finally {
                release();
            }
        }
        Runnable job;
        while ((job = jobs.poll()) != null) {
            job.run(); // jobs handed over while closing fail at once on the closed transport
        }
    }

    /** Stops the helper and closes the selector; the caller has closed the sockets. */
    void shutdown() {
        stopping = true;
        selector.wakeup();
        LockSupport.unpark(helper);
        if (helper.isAlive() && Thread.currentThread() != helper) {
            try {
                helper.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing is left to tell
        }
    }
}
