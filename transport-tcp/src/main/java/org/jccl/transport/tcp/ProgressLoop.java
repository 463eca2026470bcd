package org.jccl.transport.tcp;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jccl.Configuration;
import org.jccl.spi.Progress;

/**
 * The one thread of a tcp transport: it owns a Netty {@link ManualIoEventLoop} (epoll when
 * available, NIO otherwise) with every connection of the rank, and runs the collectives handed to
 * it. A collective's sends go straight to the socket and its waits drive the loop, so a message
 * costs no thread hand-off. Between jobs the thread keeps polling for {@code jccl.spinMicros}
 * (yielding the core), then blocks in epoll until I/O, a task or a job arrives.
 */
final class ProgressLoop implements Progress {
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);
    /** Longest single block in epoll while a wait has a deadline; bounds the cost of a missed wake-up. */
    private static final long MAX_BLOCK_NANOS = 50_000_000L;

    private static final Runnable DOORBELL = () -> { };

    private final Thread thread;
    private final ManualIoEventLoop loop;
    private final ConcurrentLinkedQueue<Runnable> jobs = new ConcurrentLinkedQueue<>();

    ProgressLoop(String name) {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        thread = new Thread(this::runLoop, name);
        thread.setDaemon(true);
        loop = new ManualIoEventLoop(thread, io);
        thread.start();
    }

    /** The event loop every channel of the transport is registered with. */
    ManualIoEventLoop eventLoop() {
        return loop;
    }

    @Override
    public void execute(Runnable job) {
        jobs.add(job);
        try {
            // a task in Netty's own queue is the doorbell: Netty checks that queue after arming its
            // wait, so unlike a bare wakeup() it cannot be lost while the loop goes to sleep
            loop.execute(DOORBELL);
        } catch (RejectedExecutionException e) {
            jobs.remove(job);
            job.run(); // the loop is shut down: the job fails at once against the closed transport
        }
    }

    @Override
    public boolean inProgressThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public boolean driveUntil(BooleanSupplier done, long deadlineNanos) {
        if (!inProgressThread()) {
            return awaitElsewhere(done, deadlineNanos);
        }
        long lastActive = System.nanoTime();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - deadlineNanos >= 0) {
                return false;
            }
            if (loop.runNow() > 0) {
                lastActive = now;
            } else if (now - lastActive < SPIN_NANOS) {
                Thread.yield();
            } else {
                loop.run(Math.min(deadlineNanos - now, MAX_BLOCK_NANOS));
            }
        }
        return true;
    }

    /** Off the progress thread (a job run after shutdown) there is nothing to drive: poll, then sleep briefly. */
    private static boolean awaitElsewhere(BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    private void runLoop() {
        long lastActive = System.nanoTime();
        while (!loop.isTerminated()) {
            Runnable job = jobs.poll();
            if (job != null) {
                job.run();
                lastActive = System.nanoTime();
            } else if (loop.runNow() > 0) {
                lastActive = System.nanoTime();
            } else if (loop.isShuttingDown()) {
                Thread.yield();
            } else if (System.nanoTime() - lastActive < SPIN_NANOS) {
                Thread.yield();
            } else {
                loop.run(0);
            }
        }
        Runnable job;
        while ((job = jobs.poll()) != null) {
            job.run(); // jobs handed over while closing fail at once on the closed transport
        }
    }

    /** Stops the loop after closing what is registered with it; waits for the thread to end. */
    void shutdown() {
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!inProgressThread()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
