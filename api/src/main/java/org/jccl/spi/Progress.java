package org.jccl.spi;

import java.util.function.BooleanSupplier;

/**
 * A transport whose I/O is driven by one progress thread offers this, so that whole collectives
 * run on that thread: sends are written straight to the wire and waiting drives the I/O itself,
 * with no thread hand-off per message (waking a thread costs 50-400 us on a VM). The communicator
 * hands each collective to {@link #execute} and waits once for the whole of it.
 */
public interface Progress {
    /** Runs {@code job} on the progress thread, after the jobs handed over before it. */
    void execute(Runnable job);

    /**
     * True when the calling thread drives the transport now: the progress thread, or a caller
     * running a job through {@link #runInCaller}.
     */
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
     * On the progress thread: drives I/O (polling first, then blocking in the kernel) until
     * {@code done} holds or {@code deadlineNanos} ({@link System#nanoTime()} time) passes.
     *
     * @return whether {@code done} holds
     */
    boolean driveUntil(BooleanSupplier done, long deadlineNanos);
}
