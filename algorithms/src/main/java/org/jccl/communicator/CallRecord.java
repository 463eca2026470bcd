package org.jccl.communicator;

import java.util.Locale;
import org.jccl.core.DebugLog;

/**
 * What is recorded about one call while someone watches: its flight-recorder event and its DEBUG
 * log line. Made only when a recording takes the event or the log takes DEBUG, so that a call
 * nobody watches carries one null reference and allocates nothing for it.
 */
final class CallRecord {
    private static final DebugLog LOG = DebugLog.of(CallRunner.class);

    private final Call call;
    private final int rank;
    private final long sequence;
    private final CollectiveEvent event;
    private final long started;

    private CallRecord(Call call, int rank, int size, long sequence) {
        this.call = call;
        this.rank = rank;
        this.sequence = sequence;
        this.event = CollectiveEvent.enabled() ? CollectiveEvent.begin(call.operation(), call.algorithm(), call.bytes(),
                typeName(call), rank, size, sequence) : null;
        this.started = System.nanoTime();
    }

    /** A record of {@code call} starting now, or null when nobody watches. */
    static CallRecord start(Call call, int rank, int size, long sequence) {
        return CollectiveEvent.enabled() || LOG.debug() ? new CallRecord(call, rank, size, sequence) : null;
    }

    /** The call has ended, with {@code failure} (null: it succeeded). */
    void end(RuntimeException failure) {
        CollectiveEvent.end(event);
        if (LOG.debug()) {
            String type = typeName(call);
            LOG.log(DebugLog.Level.DEBUG, "rank " + rank + ": " + call.operation() + " #" + sequence + " ("
                    + call.algorithm() + ", " + call.bytes() + " B" + (type == null ? "" : ", " + type) + ") "
                    + (failure == null ? "took " : "failed after ")
                    + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e3) + " µs");
        }
    }

    /** The data type of {@code call}, or null for a call without one. */
    private static String typeName(Call call) {
        Signature s = call.signature();
        return s == null ? null : s.typeName();
    }
}
