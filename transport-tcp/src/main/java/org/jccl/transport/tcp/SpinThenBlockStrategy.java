package org.jccl.transport.tcp;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import org.jccl.Configuration;

/**
 * Keeps the event loop polling (non-blocking epoll_wait or selectNow, yielding the core between
 * polls) for {@code jccl.spinMicros} after its last event or task, and only then lets it block. A
 * blocked event loop costs a thread wake-up per message (50-400 us on a VM); during a collective
 * messages follow each other closely, so the loop stays awake exactly while it is useful.
 */
final class SpinThenBlockStrategy implements SelectStrategy {
    private static final long SPIN_NANOS = 1000L * Configuration.intProperty(Configuration.PROP_SPIN_MICROS,
            Configuration.DEFAULT_SPIN_MICROS);

    private long lastActive = System.nanoTime();

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        int ready = selectNow.get();
        long now = System.nanoTime();
        if (ready > 0 || hasTasks) {
            lastActive = now;
            return ready;
        }
        if (now - lastActive < SPIN_NANOS) {
            Thread.yield();
            return SelectStrategy.CONTINUE;
        }
        return SelectStrategy.SELECT;
    }
}
