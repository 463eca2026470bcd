package org.jccl.core;

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

    void waiting(Request r) {
        waitingOn = r;
    }

    /** One line: the collective in progress and the message it waits for, or "idle". */
    public String describe() {
        String op = operation;
        if (op == null) {
            return "idle after collective #" + sequence;
        }
        Request w = waitingOn;
        return op + " #" + sequence + " (" + algorithm + ", " + bytes + " B)"
                + (w == null ? ", computing" : ", waiting for " + w.describe());
    }
}
