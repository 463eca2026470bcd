package org.jccl.transport.tcp;

import java.nio.ByteBuffer;
import org.jccl.JcclException;
import org.jccl.spi.Completion;

/**
 * A posted send or receive: the zero-based window it moves, its tag, and a completion that fires
 * exactly once, whichever of success, failure or abort comes first.
 */
final class Operation {
    final long tag;
    final ByteBuffer window;
    final int length;
    private final Completion done;
    private boolean finished;

    Operation(long tag, ByteBuffer buf, Completion done) {
        this.tag = tag;
        this.window = buf.slice().order(buf.order());
        this.length = window.remaining();
        this.done = done;
    }

    void succeed() {
        if (claim()) {
            done.completed();
        }
    }

    void fail(JcclException cause) {
        if (claim()) {
            done.failed(cause);
        }
    }

    private synchronized boolean claim() {
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }
}
