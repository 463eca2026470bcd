package org.jccl.communicator;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A Java Flight Recorder event per collective (and per point-to-point call): its duration is the
 * call's, from the schedule's start to its end, so that Mission Control shows collectives on the
 * timeline beside GC pauses and safepoints. Nothing is allocated while the event is disabled.
 */
@Name("org.jccl.Collective")
@Label("jccl Collective")
@Category({"jccl"})
@Description("A collective or point-to-point call of a jccl communicator")
final class CollectiveEvent extends Event {
    private static final EventType TYPE = EventType.getEventType(CollectiveEvent.class);

    @Label("Operation")
    String operation;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Data Type")
    String type;

    @Label("Algorithm")
    String algorithm;

    @Label("Rank")
    int rank;

    @Label("Ranks")
    int ranks;

    @Label("Sequence")
    @Description("The collective's number on its communicator (a point-to-point call carries the last one's)")
    long sequence;

    /** Whether a recording takes this event now; the caller builds nothing for it otherwise. */
    static boolean enabled() {
        return TYPE.isEnabled();
    }

    /** A started event for the call. */
    static CollectiveEvent begin(String operation, String algorithm, long bytes, String type, int rank, int ranks,
                                 long sequence) {
        CollectiveEvent e = new CollectiveEvent();
        e.operation = operation;
        e.algorithm = algorithm;
        e.bytes = bytes;
        e.type = type;
        e.rank = rank;
        e.ranks = ranks;
        e.sequence = sequence;
        e.begin();
        return e;
    }

    /** Ends and records {@code e}, if it was started. */
    static void end(CollectiveEvent e) {
        if (e != null) {
            e.end();
            if (e.shouldCommit()) {
                e.commit();
            }
        }
    }
}
