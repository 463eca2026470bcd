package org.jccl.core;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jccl.JcclException;
import org.jccl.spi.Completion;

/**
 * One posted send or receive of a collective. The transport completes it on its own thread; the
 * collective's thread waits for it in {@link Exchange#await}. Completion only flips a flag and
 * unparks, so it never stalls a transport thread.
 */
public final class Request implements Completion, BooleanSupplier {
    static final int PENDING = 0;
    static final int DONE = 1;
    static final int FAILED = 2;

    final int peer;
    final boolean send;
    final int bytes;
    private final Thread waiter;
    private volatile int state;
    private volatile JcclException failure;

    Request(int peer, boolean send, int bytes, Thread waiter) {
        this.peer = peer;
        this.send = send;
        this.bytes = bytes;
        this.waiter = waiter;
    }

    @Override
    public void completed() {
        state = DONE;
        if (waiter != Thread.currentThread()) {
            LockSupport.unpark(waiter); // the waiter driving the transport itself is not parked
        }
    }

    @Override
    public void failed(JcclException cause) {
        failure = cause;
        state = FAILED;
        LockSupport.unpark(waiter);
    }

    /** True once completed or failed. */
    @Override
    public boolean getAsBoolean() {
        return state != PENDING;
    }

    int state() {
        return state;
    }

    JcclException failure() {
        return failure;
    }

    String describe() {
        return (send ? "send of " + bytes + " B to rank " : "receive of " + bytes + " B from rank ") + peer;
    }
}
