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
    /** The window's length: a send's message, an exact receive's message, an up-to receive's room. */
    final int length;
    /** A receive that takes any message that fits its window ({@code Transport.recvUpTo}). */
    final boolean upTo;
    /** The length of the message a receive takes, once matched. */
    int received;
    private final Completion done;
    private final TcpTransport owner;
    private boolean finished;

    Operation(TcpTransport owner, long tag, long check, boolean upTo, ByteBuffer buf, Completion done) {
        this.owner = owner;
        this.upTo = upTo;
        this.tag = tag;
        this.check = check;
        this.window = buf.slice().order(buf.order());
        this.length = window.remaining();
        this.received = length;
        this.done = done;
        if (!upTo) {
            owner.operationStarted(); // an up-to receive stands: it keeps no helper driving for it
        }
    }

    void succeed() {
        if (claim()) {
            if (upTo) {
                done.received(received);
            } else {
                done.completed();
            }
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
        if (!upTo) {
            owner.operationFinished();
        }
        return true;
    }
}
