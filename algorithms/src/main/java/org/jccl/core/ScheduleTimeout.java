package org.jccl.core;

import org.jccl.JcclException;

/**
 * A schedule waited longer than the timeout for one of its messages. It keeps the collective's
 * number and the bare cause, so that the communicator can add which ranks never reached the
 * collective before the failure is thrown.
 */
public final class ScheduleTimeout extends JcclException {
    private static final long serialVersionUID = 1L;

    private final long sequence;
    private final String detail;

    ScheduleTimeout(int rank, String operation, long sequence, String detail) {
        super(rank, operation, detail);
        this.sequence = sequence;
        this.detail = detail;
    }

    /** The number of the collective that timed out (the last one entered, for a point-to-point call). */
    public long sequence() {
        return sequence;
    }

    /** The cause alone, without the rank and operation the message starts with. */
    public String detail() {
        return detail;
    }
}
