package org.jccl.spi;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jccl.Configuration;

/**
 * How a thread that drives a transport waits. After the last round that did something it polls
 * without a system call for a few microseconds (a reply within microseconds is the common case),
 * then yields the core between polls until {@code jccl.spinMicros} have passed, then blocks in the
 * kernel (a selector, a UCX worker) until I/O wakes it. Where more ranks share the machine than it
 * has cores it yields from the first empty poll and keeps yielding for
 * {@code jccl.oversubscribedSpinMicros}: the peer it waits for may need this very core, and a
 * blocked wait there costs a scheduler slice to wake. The transports' drivers share it.
 */
public final class PollingWait {
    /** What a driver drives. */
    public interface Driven {
        /** One round of I/O without blocking; returns how much happened (0: nothing). */
        int pollOnce();

        /** Blocks in the kernel until I/O or a signal, for about {@code maxNanos} at most. */
        void block(long maxNanos);
    }

    /** How long a wait polls without a system call before it starts to yield. */
    private static final long BUSY_NANOS = 20_000L;
    /** {@code jccl.spinMicros}, in nanoseconds. */
    public static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);
    private static final long OVERSUBSCRIBED_SPIN_NANOS = 1000L * Configuration.intProperty(
            Configuration.PROP_OVERSUBSCRIBED_SPIN_MICROS, Configuration.DEFAULT_OVERSUBSCRIBED_SPIN_MICROS);

    private final Driven driven;
    private volatile long busyNanos = BUSY_NANOS;
    private volatile long spinNanos = SPIN_NANOS;

    /** @param driven the I/O a waiting thread drives */
    public PollingWait(Driven driven) {
        this.driven = driven;
    }

    /**
     * A wait for a thread that drives nothing (over a transport that needs no driving, or while
     * another thread runs its work): it looks at its condition, yields, then parks until
     * {@link LockSupport#unpark} wakes it or the deadline comes.
     */
    public static PollingWait parking() {
        return new PollingWait(new Driven() {
            @Override
            public int pollOnce() {
                return 0;
            }

            @Override
            public void block(long maxNanos) {
                LockSupport.parkNanos(this, maxNanos);
            }
        });
    }

    /** Whether more ranks than cores share this machine (see the class comment). */
    public void oversubscribed(boolean yes) {
        busyNanos = yes ? 0 : BUSY_NANOS;
        spinNanos = yes ? Math.max(SPIN_NANOS, OVERSUBSCRIBED_SPIN_NANOS) : SPIN_NANOS;
    }

    /** How long a wait polls without a system call: 0 where ranks outnumber cores. */
    public long busyNanos() {
        return busyNanos;
    }

    /**
     * Drives until {@code done} holds or {@code deadlineNanos} ({@link System#nanoTime()} time)
     * passes; the calling thread must be the one that drives.
     *
     * @return whether {@code done} holds
     */
    public boolean until(BooleanSupplier done, long deadlineNanos) {
        long lastActive = System.nanoTime();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - deadlineNanos >= 0) {
                return false;
            }
            if (driven.pollOnce() > 0) {
                lastActive = now;
            } else if (now - lastActive < busyNanos) {
                Thread.onSpinWait();
            } else if (now - lastActive < spinNanos) {
                Thread.yield();
            } else {
                driven.block(deadlineNanos - now);
                lastActive = System.nanoTime(); // poll again first: what ended the block is usually a burst
            }
        }
        return true;
    }
}
