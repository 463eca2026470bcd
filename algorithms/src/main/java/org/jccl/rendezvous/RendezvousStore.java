package org.jccl.rendezvous;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jccl.JcclException;

/**
 * A small key-value store that the ranks of a job meet at before they can talk directly. Rank 0
 * serves it; it carries bootstrap data only (addresses, job id), never payload. It also carries
 * the job's start-up failure ({@link #FAILURE}): a rank that finds the job misconfigured writes it,
 * and every rank waiting in {@link #await} fails with it at once instead of at its timeout.
 */
public interface RendezvousStore extends AutoCloseable {
    /** The key of the job's start-up failure, a message naming what is wrong and how to fix it. */
    String FAILURE = "job/failure";
    /** Counts the ranks that read the failure, so that the rank serving the store stays until they have. */
    String FAILURE_SEEN = "job/failure-seen";
    /** How often a wait looks for the job's failure. */
    long FAILURE_POLL_MILLIS = 100;
    /** Stores {@code value} under {@code key}, replacing any earlier value. */
    void set(String key, byte[] value);

    /** Returns the value of {@code key}, waiting until some rank sets it or {@code deadline} passes. */
    byte[] get(String key, Instant deadline);

    /** Adds {@code delta} to the counter {@code key} (0 when absent) and returns the new value. */
    long add(String key, long delta);

    @Override
    void close();

    /**
     * Marks the job failed to start with {@code message}, which every waiting rank then fails with,
     * unless a failure is already there: the first cause is the one to fix.
     */
    default void failFirst(String message) {
        if (failure() == null) {
            set(FAILURE, message.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Like {@link #get}, but ends at once, with the failure, when some rank marks the job failed
     * ({@link #failFirst}) meanwhile.
     *
     * @param rank this rank, for the exception
     */
    default byte[] await(String key, Instant deadline, int rank) {
        while (true) {
            Instant now = Instant.now();
            Instant slice = now.plusMillis(FAILURE_POLL_MILLIS);
            try {
                return get(key, slice.isBefore(deadline) ? slice : deadline);
            } catch (KeyTimeout e) {
                byte[] failure = failure();
                if (failure != null) {
                    throw failedToStart(rank, failure);
                }
                if (!slice.isBefore(deadline)) {
                    throw e;
                }
            }
        }
    }

    /**
     * The values of the keys {@code prefix + 0} to {@code prefix + (count - 1)}, as {@link #await}
     * would return them one by one: waits until every one is set, or fails with the job's failure.
     * A store that can answers in one request, so that start-up costs each rank O(1) requests
     * whatever the job's size.
     */
    default byte[][] awaitAll(String prefix, int count, Instant deadline, int rank) {
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            values[i] = await(prefix + i, deadline, rank);
        }
        return values;
    }

    /** The failure a waiting rank sees when the job failed to start with {@code failure}; counts it as seen. */
    default JcclException failedToStart(int rank, byte[] failure) {
        add(FAILURE_SEEN, 1);
        return new JcclException(rank, "init", "the job failed to start: " + new String(failure, StandardCharsets.UTF_8));
    }

    /**
     * For the rank that serves the store, after the job failed to start: waits until {@code others}
     * ranks have read the failure, or {@code deadline}, so that they learn why instead of losing the store.
     * Returns at once when the job did not fail.
     */
    default void lingerForFailure(int others, Instant deadline) {
        if (failure() == null) {
            return;
        }
        while (Instant.now().isBefore(deadline) && add(FAILURE_SEEN, 0) < others) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The job's start-up failure, or null. */
    private byte[] failure() {
        try {
            return get(FAILURE, Instant.now());
        } catch (KeyTimeout e) {
            return null;
        }
    }
}
