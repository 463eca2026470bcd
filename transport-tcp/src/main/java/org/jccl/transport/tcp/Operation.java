package org.jccl.transport.tcp;

import java.nio.ByteBuffer;
import org.jccl.JcclException;
import org.jccl.spi.Completion;

/**
 * A posted send or receive: its tag and check word, the zero-based window it moves (a send's window is also its write
 * cursor), and a completion that fires exactly once, whichever of success, failure or
 * abort comes first. Made, posted and finished only by the thread driving the transport.
 */
final class Operation {
    final long tag;
    final long check;
    final ByteBuffer window;
    final int length;
    private final Completion done;
    private final TcpTransport owner;
    private boolean finished;

    Operation(TcpTransport owner, long tag, long check, ByteBuffer buf, Completion done) {
        this.owner = owner;
        this.tag = tag;
        this.check = check;
        this.window = buf.slice().order(buf.order());
        this.length = window.remaining();
        this.done = done;
        owner.operationStarted();
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

    private boolean claim() {
        if (finished) {
            return false;
        }
        finished = true;
        owner.operationFinished();
        return true;
    }
}
