package org.jccl.rendezvous;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jccl.JcclException;

/**
 * A store shared by the ranks of one JVM (the {@code mem:NAME} rendezvous), for ranks as threads.
 * Each rank opens its own handle; the store is forgotten when the last handle closes.
 */
public final class MemoryRendezvousStore implements RendezvousStore {
    private static final Map<String, Shared> STORES = new ConcurrentHashMap<>();

    private static final class Shared {
        final Map<String, byte[]> values = new HashMap<>();
        int handles;
    }

    private final String name;
    private final Shared shared;
    private final int rank;
    private boolean closed;

    private MemoryRendezvousStore(String name, Shared shared, int rank) {
        this.name = name;
        this.shared = shared;
        this.rank = rank;
    }

    /** Opens a handle on the store called {@code name}, creating it when needed. */
    public static MemoryRendezvousStore open(String name, int rank) {
        Shared s = STORES.compute(name, (k, v) -> {
            Shared x = v == null ? new Shared() : v;
            synchronized (x) {
                x.handles++;
            }
            return x;
        });
        return new MemoryRendezvousStore(name, s, rank);
    }

    @Override
    public void set(String key, byte[] value) {
        synchronized (shared) {
            shared.values.put(key, value.clone());
            shared.notifyAll();
        }
    }

    @Override
    public byte[] get(String key, Instant deadline) {
        return awaitUntil(() -> {
            byte[] v = shared.values.get(key);
            return v == null ? null : v.clone();
        }, deadline, () -> key);
    }

    /** Waits once for all the keys, or for the job's failure. */
    @Override
    public byte[][] awaitAll(String prefix, int count, Instant deadline, int rank) {
        byte[][] values = new byte[count][];
        int[] have = {0};
        return awaitUntil(() -> {
            byte[] failure = shared.values.get(FAILURE);
            if (failure != null) {
                throw failedToStart(rank, failure);
            }
            byte[] v;
            while (have[0] < count && (v = shared.values.get(prefix + have[0])) != null) {
                values[have[0]++] = v.clone();
            }
            return have[0] == count ? values : null;
        }, deadline, () -> prefix + have[0]);
    }

    /**
     * What {@code ready} returns once it is not null (looked at under the shared lock); at the
     * deadline a timeout naming the key {@code missing} says is not set.
     */
    private <T> T awaitUntil(Supplier<T> ready, Instant deadline, Supplier<String> missing) {
        synchronized (shared) {
            while (true) {
                T v = ready.get();
                if (v != null) {
                    return v;
                }
                long waitMs = Duration.between(Instant.now(), deadline).toMillis();
                if (waitMs <= 0) {
                    throw new KeyTimeout(rank, "timed out waiting for key '" + missing.get()
                            + "' in store mem:" + name + " (did every rank start?)");
                }
                try {
                    shared.wait(waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JcclException(rank, "rendezvous", "interrupted", e);
                }
            }
        }
    }

    @Override
    public long add(String key, long delta) {
        synchronized (shared) {
            byte[] old = shared.values.get(key);
            long v = (old == null ? 0 : Codec.readLong(old)) + delta;
            shared.values.put(key, Codec.longBytes(v));
            shared.notifyAll();
            return v;
        }
    }

    @Override
    public void close() {
        synchronized (shared) {
            if (closed) {
                return;
            }
            closed = true;
            shared.handles--;
        }
        STORES.computeIfPresent(name, (k, v) -> {
            synchronized (v) {
                return v.handles == 0 ? null : v;
            }
        });
    }
}
