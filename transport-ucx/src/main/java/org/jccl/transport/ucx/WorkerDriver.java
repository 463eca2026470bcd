package org.jccl.transport.ucx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jccl.JcclException;
import org.jccl.spi.HandedTasks;
import org.jccl.spi.PollingWait;
import org.jccl.spi.Progress;

/**
 * Who drives a UCX worker, and how. UCX workers are single-threaded: whoever holds the driver lock
 * posts every operation and calls {@code progress()}, so a message costs no thread hand-off. A
 * blocking call with nothing queued before it takes the lock and runs on the caller's own thread
 * ({@link #runInCaller}); the progress thread steps aside meanwhile, so a small collective costs no
 * thread wake-up either. The progress thread holds the lock when nobody else wants it: it runs the
 * jobs handed over ({@link #execute}) and keeps UCX moving between calls; idle, it polls for
 * {@code jccl.spinMicros}, then blocks on the worker's wake-up event, with the {@link WakeupTimer}
 * signalling it while operations are posted (a blocked wait has been seen to miss events).
 *
 * <p>A caller waits as {@link PollingWait} says: polling, then yielding the core, then blocking.
 */
final class WorkerDriver implements Progress {
    /** The worker as the driver sees it; every method but {@link #signal} runs on the driving thread. */
    interface Worker {
        /** One round of UCX progress and of the completions it found; returns how much happened. */
        int progressOnce();

        /** True while operations are posted and not finished (any thread may ask). */
        boolean hasOutstanding();

        /** True when completions are waiting to be handled by the next {@link #progressOnce}. */
        boolean hasCompletions();

        /** Blocks until the worker has events (or a signal). */
        void waitForEvents();

        /** Wakes a thread blocked in {@link #waitForEvents} (any thread). */
        void signal();

        /** Closes the worker, on the progress thread as it ends. */
        void shutdown();
    }

    /**
     * How long after a caller's last call the progress thread stays out of the way: an application
     * calling in a loop keeps the worker to itself, with no other thread spinning on its cores. It
     * spans several scheduler time slices, since a rank that shares a core is often off it for more
     * than one between two calls (4 ranks on 2 cores, 8 B allreduce: 1 ms let the progress thread
     * take over and spin there, 74–117 µs p50, against 56–98 µs with 20 ms).
     */
    private static final long CALLER_GRACE_NANOS = 20_000_000L;
    /** Idle rounds of the progress thread per clock read. */
    private static final int ROUNDS_PER_CLOCK_READ = 16;

    private final Thread thread;
    private final HandedTasks tasks = new HandedTasks();
    private final ConcurrentLinkedQueue<Runnable> jobs = new ConcurrentLinkedQueue<>();
    /** Held by the thread driving the worker: guards the worker and all state only its driver touches. */
    private final ReentrantLock driver = new ReentrantLock();
    /** Callers waiting for or holding {@link #driver} to run their job; the progress thread steps aside for them. */
    private final AtomicInteger callers = new AtomicInteger();
    /** When the last caller let go of the driver lock ({@link System#nanoTime()}). */
    private volatile long callerLeft = System.nanoTime() - CALLER_GRACE_NANOS;
    private volatile Worker worker;
    private volatile boolean blocked;
    /** How a caller waits while it drives: polls, then yields, then blocks in the worker. */
    private final PollingWait waiting = new PollingWait(new PollingWait.Driven() {
        @Override
        public int pollOnce() {
            return progressOnce(false);
        }

        @Override
        public void block(long maxNanos) {
            waitForEvents(false); // the wake-up timer bounds it
        }
    });
    private volatile boolean stopping;
    private volatile boolean stopped;

    /** @param name the progress thread's name */
    WorkerDriver(String name) {
        this.thread = new Thread(this::runLoop, name);
        thread.setDaemon(true);
    }

    /** Starts the progress thread, which runs jobs at once and drives {@code w} once {@link #drive} names it. */
    void start() {
        thread.start();
    }

    /** From now on, drive {@code w} (set by a job on the progress thread, once the worker exists). */
    void drive(Worker w) {
        this.worker = w;
    }

    /** Whether more ranks than cores share this machine (see {@link PollingWait}). */
    void oversubscribed(boolean yes) {
        waiting.oversubscribed(yes);
    }

    /** True while the progress thread runs. */
    boolean running() {
        return thread.isAlive();
    }

    /** True once the worker is closed. */
    boolean stopped() {
        return stopped;
    }

    /** True while operations are posted. */
    boolean hasOutstanding() {
        Worker w = worker;
        return w != null && w.hasOutstanding();
    }

    /** Wakes the worker if a thread waits in it. */
    void signalIfBlocked() {
        Worker w = worker;
        if (blocked && w != null) {
            w.signal();
        }
    }

    /**
     * Runs {@code task} at once when this thread drives (after what other threads handed over
     * before: see {@link HandedTasks}), else hands it to the driving thread.
     */
    void onWorker(Runnable task) {
        if (driver.isHeldByCurrentThread()) {
            tasks.runBefore(task);
        } else {
            tasks.add(task);
            wake();
        }
    }

    /** Runs what other threads handed over, when this thread drives; true when it does. */
    boolean catchUp() {
        if (!driver.isHeldByCurrentThread()) {
            return false;
        }
        tasks.runAll();
        return true;
    }

    @Override
    public void execute(Runnable job) {
        jobs.add(job);
        wake();
    }

    /**
     * Runs {@code task} on the progress thread and waits for its result until {@code deadline}
     * ({@link System#nanoTime()} time), while the transport connects; failures name {@code rank}.
     */
    <T> T call(int rank, Supplier<T> task, long deadline) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof JcclException j ? j : new JcclException(rank, "connect", "UCX: " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new JcclException(rank, "connect", "the UCX worker did not answer before the timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcclException(rank, "connect", "interrupted", e);
        }
    }

    /**
     * Wakes the progress thread wherever it waits: in UCX (a system call, made only when it is
     * blocked there), or parked while it gives way to callers.
     */
    private void wake() {
        signalIfBlocked();
        LockSupport.unpark(thread);
    }

    @Override
    public boolean inProgressThread() {
        return driver.isHeldByCurrentThread();
    }

    @Override
    public boolean runInCaller(Runnable job) {
        if (stopping || worker == null || !jobs.isEmpty()) {
            return false;
        }
        callers.incrementAndGet();
        try {
            signalIfBlocked(); // the progress thread waits in UCX holding the lock: wake it to hand over
            driver.lock();
            try {
                // what was queued before this call runs first, in order, on the progress thread
                if (stopping || worker == null || !jobs.isEmpty()) {
                    return false;
                }
                job.run();
                return true;
            } finally {
                driver.unlock();
            }
        } finally {
            callerLeaves();
        }
    }

    /** A caller lets go: the progress thread, which gave way to it, takes over what is left. */
    private void callerLeaves() {
        callerLeft = System.nanoTime();
        if (callers.decrementAndGet() == 0 && (!jobs.isEmpty() || !tasks.isEmpty() || hasOutstanding())) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public boolean driveUntil(BooleanSupplier done, long deadlineNanos) {
        if (!driver.isHeldByCurrentThread()) {
            return follow(done, deadlineNanos);
        }
        return waiting.until(done, deadlineNanos);
    }

    /**
     * Waits on a thread that does not drive (one of several asynchronous collectives in flight):
     * whoever holds the worker completes what this thread waits for, or leaves the worker to it.
     * Like a caller, it asks the progress thread to step aside.
     */
    private boolean follow(BooleanSupplier done, long deadlineNanos) {
        callers.incrementAndGet();
        try {
            while (!done.getAsBoolean()) {
                if (System.nanoTime() - deadlineNanos >= 0) {
                    return false;
                }
                signalIfBlocked(); // the progress thread waits in UCX holding the lock: wake it to hand over
                if (driver.tryLock()) {
                    try {
                        return driveUntil(done, deadlineNanos);
                    } finally {
                        driver.unlock();
                    }
                }
                LockSupport.parkNanos(this, 20_000L);
            }
            return true;
        } finally {
            callerLeaves();
        }
    }

    /**
     * One round of UCX progress and of the small tasks handed in (posts and aborts from other
     * threads). A collective waiting in {@link #driveUntil} runs only these; the idle loop also
     * starts the next job.
     */
    private int progressOnce(boolean startJob) {
        Worker w = worker;
        int n = w == null ? 0 : w.progressOnce();
        n += tasks.runAll();
        Runnable t;
        if (startJob && (t = jobs.poll()) != null) {
            t.run();
            n++;
        }
        return n;
    }

    /**
     * Blocks on the worker's wake-up event. The progress thread, idle, gives way to callers: it
     * publishes {@code blocked} before it looks at {@code callers}, and a caller the other way round,
     * so either the caller sees it blocked and signals, or it sees the caller and does not block.
     */
    private void waitForEvents(boolean giveWayToCallers) {
        Worker w = worker;
        if (w == null) {
            return;
        }
        blocked = true; // before looking at the queues, which wake() fills before it looks at this flag
        try {
            if (!tasks.isEmpty() || !jobs.isEmpty() || w.hasCompletions() || giveWayToCallers && callers.get() > 0) {
                return;
            }
            WakeupTimer.INSTANCE.watch(this);
            w.waitForEvents();
        } finally {
            blocked = false;
        }
    }

    private void runLoop() {
        long lastActive = System.nanoTime();
        boolean active = false;
        boolean yielding = false;
        int idleRounds = 0;
        while (!stopping) {
            // a caller drives everything while it runs; after it, work handed over and operations
            // still posted (asynchronous ones) need this thread at once, and only an idle transport waits
            long giveWay = callers.get() > 0 ? CALLER_GRACE_NANOS
                    : !jobs.isEmpty() || !tasks.isEmpty() || hasOutstanding() ? 0
                    : CALLER_GRACE_NANOS - (System.nanoTime() - callerLeft);
            if (giveWay > 0) {
                LockSupport.parkNanos(this, giveWay);
                lastActive = System.nanoTime();
                continue;
            }
            driver.lock();
            try {
                // with operations posted, this thread keeps the worker until a caller asks for it:
                // taking the lock for every round of a stream costs more than the round
                do {
                    if (progressOnce(true) > 0) {
                        active = true;
                        yielding = false;
                        idleRounds = 0;
                        continue;
                    }
                    // an idle round reads the clock only now and then (a VM's clock costs tens of ns
                    // a read, a round of progress about as much); activity since the last read dates from it
                    if (idleRounds++ % ROUNDS_PER_CLOCK_READ == 0) {
                        long now = System.nanoTime();
                        if (active) {
                            lastActive = now;
                            active = false;
                        } else if (now - lastActive >= PollingWait.SPIN_NANOS) {
                            waitForEvents(true);
                            active = true; // spin again first: a wait that returned at once (UCX busy) must not repeat every round
                        }
                        // operations in flight answer within microseconds: a system call (sched_yield
                        // costs microseconds on a VM) only once nothing is posted and the wait is long
                        yielding = !active && !hasOutstanding() && now - lastActive >= waiting.busyNanos();
                    }
                    Thread.onSpinWait();
                } while (hasOutstanding() && callers.get() == 0 && !stopping);
            } finally {
                driver.unlock();
            }
            if (yielding) {
                Thread.yield();
            }
        }
        driver.lock();
        try {
            Worker w = worker;
            if (w != null) {
                w.shutdown();
            }
            worker = null; // anything that still runs here now fails instead of touching a closed worker
        } finally {
            driver.unlock();
        }
        stopped = true;
        Runnable job;
        while ((job = jobs.poll()) != null) {
            job.run(); // jobs handed over while closing fail at once against the closed transport
        }
    }

    /** Stops the progress thread, which closes the worker as it ends; waits up to 10 s for it. */
    void stop() {
        stopping = true;
        Worker w = worker;
        if (w != null) {
            w.signal();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once {@link #stop} was called. */
    boolean stopping() {
        return stopping;
    }
}
