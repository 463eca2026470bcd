package org.jccl.rendezvous;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jccl.spi.Bootstrap;

/**
 * The SPI's out-of-band channel over the rendezvous store: each all-gather round writes one key
 * per rank and reads them all in one request ({@link RendezvousStore#awaitAll}), two requests per
 * rank whatever the job's size. Keys carry a prefix so that several communicators (and rounds)
 * never collide.
 */
public final class StoreBootstrap implements Bootstrap {
    private final RendezvousStore store;
    private final String prefix;
    private final int rank;
    private final int size;
    private final Duration timeout;
    private int round;

    public StoreBootstrap(RendezvousStore store, String prefix, int rank, int size, Duration timeout) {
        this.store = store;
        this.prefix = prefix;
        this.rank = rank;
        this.size = size;
        this.timeout = timeout;
    }

    @Override
    public synchronized byte[][] allGather(byte[] mine) {
        String base = prefix + "/ag" + (round++) + "/";
        store.set(base + rank, mine);
        byte[][] all = store.awaitAll(base, size, Instant.now().plus(timeout), rank);
        all[rank] = mine.clone();
        return all;
    }

    @Override
    public void barrier() {
        allGather("b".getBytes(StandardCharsets.US_ASCII));
    }
}
