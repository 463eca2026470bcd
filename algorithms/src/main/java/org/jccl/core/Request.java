package org.jccl.core;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.jccl.JcclException;
import org.jccl.spi.Completion;

/**
 * One send or receive of a {@link Schedule}: made when the schedule is built, posted when the
 * schedule reaches it, completed by the transport on whichever thread drives it. Completion only
 * flips a flag and wakes the thread that waits for the schedule, so it never stalls the driver.
 */
public final class Request implements Completion, BooleanSupplier {
    static final int PENDING = 0;
    static final int DONE = 1;
    static final int FAILED = 2;

    final Schedule schedule;
    final int peer;
    final boolean send;
    final ByteBuffer window;
    /** The check word's own message (see {@link Schedule#announceCheck()}), not data. */
    final boolean word;
    private volatile int state;
    private volatile JcclException failure;

    Request(Schedule schedule, int peer, boolean send, ByteBuffer window, boolean word) {
        this.schedule = schedule;
        this.peer = peer;
        this.send = send;
        this.window = window;
        this.word = word;
    }

    @Override
    public void completed() {
        state = DONE;
        schedule.wake();
    }

    @Override
    public void failed(JcclException cause) {
        failure = cause;
        state = FAILED;
        schedule.wake();
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
        if (word) {
            return (send ? "send of the check word to rank " : "check word from rank ") + peer;
        }
        int bytes = window.remaining();
        return (send ? "send of " + bytes + " B to rank " : "receive of " + bytes + " B from rank ") + peer;
    }
}
