package org.jccl.communicator;

import java.util.function.Consumer;
import org.jccl.core.Schedule;

/**
 * One call, checked and ready to run: what it is, how it runs, and what ranks must agree on.
 * {@code longest} bounds its messages, the same on every rank (so that all choose alike between
 * check words in the messages and a round to agree first).
 *
 * @param operation the API name, for errors and status
 * @param algorithm the algorithm chosen
 * @param bytes the size of its largest buffer, for status
 * @param pointToPointTag the tag of a point-to-point call, or -1 for a collective (which takes the next sequence number)
 * @param signature what every rank must agree on, or null for calls that are not collectives
 * @param body the schedule
 * @param longest a bound on its messages, alike on every rank
 */
record Call(String operation, String algorithm, long bytes, long pointToPointTag, Signature signature,
            Consumer<Schedule> body, long longest) {
    Call(String operation, String algorithm, long bytes, long pointToPointTag, Signature signature,
         Consumer<Schedule> body) {
        this(operation, algorithm, bytes, pointToPointTag, signature, body, bytes);
    }
}
