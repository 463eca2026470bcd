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

    /** True when called on the progress thread. */
    boolean inProgressThread();

    /**
     * On the progress thread: drives I/O (polling first, then blocking in the kernel) until
     * {@code done} holds or {@code deadlineNanos} ({@link System#nanoTime()} time) passes.
     *
     * @return whether {@code done} holds
     */
    boolean driveUntil(BooleanSupplier done, long deadlineNanos);
}
