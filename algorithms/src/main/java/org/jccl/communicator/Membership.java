package org.jccl.communicator;

import org.jccl.core.CommunicatorStatus;
import org.jccl.spi.Transport;

/**
 * A communicator's place on its process's {@link StragglerBoard}: its job id, and the world rank of
 * each of its ranks, so that a timeout can ask the right processes about the right communicator.
 *
 * @param board the board, or null where there is none (one rank, or no store)
 */
record Membership(StragglerBoard board, long jobId, int[] worldRanks) {
    /** The world communicator's place: its ranks are the world ranks. */
    static Membership world(StragglerBoard board, long jobId, int size) {
        int[] ranks = new int[size];
        for (int r = 0; r < size; r++) {
            ranks[r] = r;
        }
        return new Membership(board, jobId, ranks);
    }

    /** The place of a communicator split from this one, with {@code parentRanks} of this one's ranks. */
    Membership split(long job, int[] parentRanks) {
        int[] ranks = new int[parentRanks.length];
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] = worldRanks[parentRanks[r]];
        }
        return new Membership(board, job, ranks);
    }

    /** Starts answering for the communicator whose state {@code status} holds, over {@code transport}. */
    void join(CommunicatorStatus status, Transport transport) {
        if (board != null) {
            board.register(jobId, status, transport::lostPeers);
        }
    }

    /** Stops answering for it. */
    void leave() {
        if (board != null) {
            board.unregister(jobId);
        }
    }

    /** Who did not reach collective {@code sequence}, or null when nobody can be asked. */
    String report(long sequence, String operation) {
        return board == null ? null : board.report(jobId, worldRanks, sequence, operation);
    }
}
