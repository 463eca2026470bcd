package org.jccl.spi;

import java.util.function.BooleanSupplier;

/**
 * How a transport's I/O is driven. Any thread may drive: the one that holds the transport's driver
 * lock polls its sockets or worker, so a blocking collective run through {@link #runInCaller} costs
 * no thread hand-off and no wake-up (waking a thread costs 50-400 us on a VM). Work no caller drives
 * (jobs handed to {@link #execute}, messages nobody waits for) goes to the transport's helper thread,
 * which steps aside whenever a caller drives. A thread that waits while another drives follows it:
 * the driver completes what the follower waits for, or leaves the lock to it.
 */
public interface Progress {
    /** Runs {@code job} on the helper thread, after the jobs handed over before it. */
    void execute(Runnable job);

    /** True when the calling thread drives the transport now (it holds the driver lock). */
    boolean inProgressThread();

    /**
     * Runs {@code job} on the calling thread, which then drives the transport itself until the job
     * is done, when nothing handed to {@link #execute} is still queued or running; otherwise (or when
     * the transport cannot lend its I/O to another thread) returns false without running it. A
     * blocking call run this way costs no thread hand-off at all.
     *
     * @return whether {@code job} ran
     */
    default boolean runInCaller(Runnable job) {
        return false;
    }

    /**
     * Waits until {@code done} holds or {@code deadlineNanos} ({@link System#nanoTime()} time) passes,
     * driving I/O meanwhile (polling first, then blocking in the kernel) when this thread drives or
     * can take the driver lock, else following the thread that drives.
     *
     * @return whether {@code done} holds
     */
    boolean driveUntil(BooleanSupplier done, long deadlineNanos);
}
