package org.jccl.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a rank is doing right now, kept cheaply (plain fields, no strings built on the hot path)
 * and rendered only when someone asks: deadline dumps of the tests, timeout messages.
 */
public final class CommunicatorStatus {
    private volatile String operation;
    private volatile String algorithm;
    private volatile long sequence;
    private volatile long bytes;
    private volatile Request waitingOn;
    private final AtomicInteger posted = new AtomicInteger();

    public void begin(String operation, String algorithm, long sequence, long bytes) {
        this.operation = operation;
        this.algorithm = algorithm;
        this.sequence = sequence;
        this.bytes = bytes;
    }

    public void end() {
        operation = null;
        waitingOn = null;
    }

    /** Counts asynchronous point-to-point messages posted ({@code +1}) and finished ({@code -1}). */
    public void posted(int delta) {
        posted.addAndGet(delta);
    }

    void waiting(Request r) {
        waitingOn = r;
    }

    /**
     * One line: the collective in progress and the message it waits for, or "idle"; then how many
     * asynchronous sends and receives are still on the wire.
     */
    public String describe() {
        int p = posted.get();
        String messages = p == 0 ? "" : "; " + p + " asynchronous point-to-point messages unfinished";
        String op = operation;
        if (op == null) {
            return "idle after collective #" + sequence + messages;
        }
        Request w = waitingOn;
        return op + " #" + sequence + " (" + algorithm + ", " + bytes + " B)"
                + (w == null ? ", computing" : ", waiting for " + w.describe()) + messages;
    }
}
