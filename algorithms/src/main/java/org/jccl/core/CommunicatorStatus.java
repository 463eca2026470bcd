package org.jccl.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a rank is doing right now, kept cheaply (plain fields, no strings built on the hot path)
 * and rendered only when someone asks: deadline dumps of the tests, timeout messages.
 */
public final class CommunicatorStatus {
    private volatile Schedule latest;
    private volatile long lastSequence;
    private volatile String lastOperation;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger posted = new AtomicInteger();

    /** A collective (or a blocking point-to-point call) starts. */
    public void begin(Schedule s, long sequence) {
        running.incrementAndGet();
        latest = s;
        if (sequence != lastSequence) {
            // a collective: point-to-point calls keep the number of the last one
            lastOperation = s.operation();
            lastSequence = sequence;
        }
    }

    /** The number of the last collective this rank entered (0 before the first). */
    public long lastSequence() {
        return lastSequence;
    }

    /** The operation of the last collective this rank entered, or null before the first. */
    public String lastOperation() {
        return lastOperation;
    }

    /** It has finished. */
    public void end() {
        running.decrementAndGet();
    }

    /** Counts asynchronous point-to-point messages posted ({@code +1}) and finished ({@code -1}). */
    public void posted(int delta) {
        posted.addAndGet(delta);
    }

    /**
     * One line: the collective started last and what it waits for, how many more are in flight, or
     * "idle"; then how many asynchronous sends and receives are still on the wire.
     */
    public String describe() {
        int p = posted.get();
        String messages = p == 0 ? "" : "; " + p + " asynchronous point-to-point messages unfinished";
        int n = running.get();
        Schedule s = latest;
        if (n <= 0 || s == null) {
            return "idle after collective #" + lastSequence + messages;
        }
        return s + (n > 1 ? "; " + (n - 1) + " more in flight" : "") + messages;
    }
}
