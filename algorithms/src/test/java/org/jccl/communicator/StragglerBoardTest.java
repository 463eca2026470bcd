package org.jccl.communicator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jccl.core.CommunicatorStatus;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.junit.jupiter.api.Test;

/**
 * The straggler report from the board's side: three processes of a job, two of them answering
 * (one has lost its connection to a peer), one silent.
 */
class StragglerBoardTest {
    @Test
    void theReportNamesWhoIsBehindWhoLostAConnectionAndWhoIsSilent() {
        String store = "mem-stragglers-" + System.nanoTime();
        long job = 7;
        try (StragglerBoard zero = StragglerBoard.start(0, MemoryRendezvousStore.open(store, 0),
                () -> MemoryRendezvousStore.open(store, 0));
             StragglerBoard one = StragglerBoard.start(1, MemoryRendezvousStore.open(store, 1),
                     () -> MemoryRendezvousStore.open(store, 1))) {
            zero.register(job, new CommunicatorStatus(), List::of);
            one.register(job, new CommunicatorStatus(), () -> List.of(0, 2));
            one.register(job + 1, new CommunicatorStatus(), List::of); // another communicator of that process
            String report = zero.report(job, new int[] {0, 1, 2}, 1, "allReduce");
            assertEquals("ranks [0, 1] did not reach collective #1 (allReduce); rank 0 entered no collective yet, now idle"
                    + " after collective #0; rank 1 entered no collective yet, now idle after collective #0; rank 1 lost"
                    + " its connection to ranks [0, 2]; ranks [2] did not answer within 3 s (their processes are gone or"
                    + " stopped, or their connections to the store are lost)", report);
            // asked from the other process, for a communicator whose rank 0 is world rank 1
            assertEquals("ranks [0, 1] did not reach collective #3 (barrier); rank 0 entered no collective yet, now idle"
                    + " after collective #0; rank 1 entered no collective yet, now idle after collective #0; rank 0 lost"
                    + " its connection to ranks [0, 2]", one.report(job, new int[] {1, 0}, 3, "barrier"));
        }
    }
}
