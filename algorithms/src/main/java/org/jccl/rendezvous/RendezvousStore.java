package org.jccl.rendezvous;

import java.time.Instant;

/**
 * A small key-value store that the ranks of a job meet at before they can talk directly. Rank 0
 * serves it; it carries bootstrap data only (addresses, job id), never payload.
 */
public interface RendezvousStore extends AutoCloseable {
    /** Stores {@code value} under {@code key}, replacing any earlier value. */
    void set(String key, byte[] value);

    /** Returns the value of {@code key}, waiting until some rank sets it or {@code deadline} passes. */
    byte[] get(String key, Instant deadline);

    /** Adds {@code delta} to the counter {@code key} (0 when absent) and returns the new value. */
    long add(String key, long delta);

    @Override
    void close();
}
