package org.jccl.transport.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.jccl.JcclException;

/**
 * The frames a connection has still to write, in order. Each write hands the socket as many of
 * them as one gathering write takes (a header and the sender's window, no copy); a send completes
 * when the last byte of its frame is written.
 */
final class FrameQueue {
    /** Frames one gathering write takes at most. */
    private static final int GATHER = 16;

    /** A frame: a header, an optional payload, the send to complete once both are written. */
    private record Outgoing(ByteBuffer header, ByteBuffer payload, Operation op) {
        boolean written() {
            return !header.hasRemaining() && (payload == null || !payload.hasRemaining());
        }
    }

    private final ArrayDeque<Outgoing> out = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[2 * GATHER];

    boolean isEmpty() {
        return out.isEmpty();
    }

    /** Queues a frame; true when it is the only one, so the caller should write it now. */
    boolean add(ByteBuffer header, ByteBuffer payload, Operation op) {
        out.add(new Outgoing(header, payload, op));
        return out.size() == 1;
    }

    /** Writes what {@code wire} takes; completes the sends written whole. */
    void writeTo(Wire wire) throws IOException {
        while (!out.isEmpty()) {
            int n = 0;
            for (Outgoing o : out) {
                if (n + 2 > gather.length) {
                    break;
                }
                gather[n++] = o.header;
                if (o.payload != null) {
                    gather[n++] = o.payload;
                }
            }
            long wrote = wire.write(gather, 0, n);
            Arrays.fill(gather, 0, n, null);
            boolean progressed = false;
            while (!out.isEmpty() && out.peek().written()) {
                Outgoing o = out.poll();
                progressed = true;
                if (o.op != null) {
                    o.op.succeed();
                }
            }
            if (!progressed && wrote == 0) {
                return; // the socket buffer is full: the rest waits until it is writable
            }
        }
    }

    /** Adds the sends still queued to {@code into}. */
    void sends(List<Operation> into) {
        for (Outgoing o : out) {
            if (o.op != null) {
                into.add(o.op);
            }
        }
    }

    /** Fails the sends still queued with {@code why} and drops every frame. */
    void clear(JcclException why) {
        for (Outgoing o : out) {
            if (o.op != null) {
                o.op.fail(why);
            }
        }
        out.clear();
    }
}
