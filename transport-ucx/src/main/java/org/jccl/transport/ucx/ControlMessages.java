package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jccl.spi.Transport;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * The two control messages ranks send each other beside the data, on tags of their own above any
 * SPI tag's kind bits: ABORT (the sender's job is broken, with the reason) and GOODBYE (the sender
 * closed in order, with how many messages it had sent to this rank and why its job broke, if it
 * did). A receive for each kind stays posted, matching any sender. Driving thread only.
 */
final class ControlMessages {
    /** What a control message says. */
    interface Listener {
        /** {@code peer} reports that its job broke. */
        void aborted(int peer, String reason);

        /** {@code peer} closed, having sent {@code count} messages here; {@code reason} is empty unless its job broke. */
        void saidGoodbye(int peer, long count, String reason);
    }

    private static final long SPI_TAG_MASK = (1L << Transport.TAG_BITS) - 1;
    /** Control kinds live above any SPI tag's kind bits: bit 39 and 38 both set plus bit 37. */
    private static final long ABORT_TAG = 7L << 37;
    private static final long GOODBYE_TAG = (7L << 37) | 1;
    private static final int CONTROL_BYTES = 4096;
    /**
     * How long a closing transport waits for the goodbyes of peers that are still there: peers close
     * at about the same time, and what one sends after this rank's worker went would sit unmatched
     * (UCX warns of each).
     */
    static final long GOODBYE_WAIT_NANOS = 200_000_000L;

    private final int rank;
    private final UcpWorker worker;
    private final Listener listener;
    private final List<UcpRequest> receives = new ArrayList<>();
    private boolean closing;

    ControlMessages(int rank, UcpWorker worker, Listener listener) {
        this.rank = rank;
        this.worker = worker;
        this.listener = listener;
        listen(ABORT_TAG);
        listen(GOODBYE_TAG);
    }

    private void listen(long kind) {
        ByteBuffer b = ByteBuffer.allocateDirect(CONTROL_BYTES);
        UcpRequest[] self = new UcpRequest[1];
        // any sender: the mask leaves out the sender's bits above the SPI tag
        self[0] = worker.recvTaggedNonBlocking(UcxUtils.getAddress(b), CONTROL_BYTES, kind, SPI_TAG_MASK, new UcxCallback() {
            @Override
            public void onSuccess(UcpRequest r) {
                receives.remove(self[0]);
                int sender = UcxTags.sender(r.getSenderTag());
                if (kind == ABORT_TAG) {
                    byte[] why = new byte[(int) r.getRecvSize()];
                    b.get(0, why);
                    listener.aborted(sender, new String(why, StandardCharsets.UTF_8));
                } else {
                    byte[] why = new byte[(int) r.getRecvSize() - Long.BYTES];
                    b.get(Long.BYTES, why);
                    listener.saidGoodbye(sender, b.getLong(0), new String(why, StandardCharsets.UTF_8));
                }
                if (!closing) {
                    listen(kind);
                }
            }
        });
        receives.add(self[0]);
    }

    /** Tells {@code peer} that this rank's job broke. */
    void sendAbort(UcpEndpoint peer, String reason) {
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(why.length, CONTROL_BYTES);
        send(peer, ABORT_TAG, ByteBuffer.allocateDirect(n).put(0, why, 0, n), () -> { });
    }

    /**
     * Tells {@code peer} that this rank closes, having sent it {@code sent} messages; {@code then}
     * runs once the message is out or has failed.
     */
    void sendGoodbye(UcpEndpoint peer, long sent, String reason, Runnable then) {
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(why.length, CONTROL_BYTES - Long.BYTES);
        send(peer, GOODBYE_TAG, ByteBuffer.allocateDirect(Long.BYTES + n).putLong(0, sent).put(Long.BYTES, why, 0, n), then);
    }

    /** Sends {@code message} of {@code kind}; {@code then} runs once it is out or has failed (a peer that is gone fails it). */
    private void send(UcpEndpoint peer, long kind, ByteBuffer message, Runnable then) {
        Sent sent = new Sent(message, then);
        try {
            peer.sendTaggedNonBlocking(UcxUtils.getAddress(message), message.capacity(),
                    UcxTags.data(rank, kind, false), sent);
        } catch (RuntimeException e) {
            sent.done();
        }
    }

    /**
     * The callback of a control message. It holds the message, which UCX reads by address only: a
     * direct buffer nothing references could be freed before a send that did not complete at once.
     */
    private static final class Sent extends UcxCallback {
        private final ByteBuffer message;
        private final Runnable then;
        private boolean ran;

        Sent(ByteBuffer message, Runnable then) {
            this.message = message;
            this.then = then;
        }

        /** Runs {@code then} once: JUCX may call back inside the post and then throw. */
        void done() {
            if (!ran) {
                ran = true;
                then.run();
            }
        }

        @Override
        public void onSuccess(UcpRequest r) {
            done();
        }

        @Override
        public void onError(int status, String why) {
            done();
        }
    }

    /**
     * Drives the closing worker until {@code done} holds or the deadline ({@link System#nanoTime()}
     * time) passes, taking and dropping whatever arrives unasked meanwhile: a peer's send that this
     * rank gave up (its call failed) then completes, where UCX would keep it waiting for a receive
     * and warn of it when the worker is destroyed. The drops are {@code abandoned}, so that the
     * endpoint of a sender whose drop does not finish is forced closed. It drops after every
     * progress, the last one included, so that nothing the last progress delivered stays behind.
     */
    void progressUntil(BooleanSupplier done, long deadline, AbandonedRequests abandoned) {
        try {
            while (true) {
                UcpTagMessage m;
                while ((m = worker.tagProbeNonBlocking(0, 0, true)) != null) {
                    abandoned.drop(worker, m);
                }
                if (done.getAsBoolean() || System.nanoTime() >= deadline) {
                    return;
                }
                worker.progress();
            }
        } catch (Exception e) {
            // the worker failed while closing: what is left is forced closed with it
        }
    }

    /** True when no control receive is posted any more (after {@link #close}, once the cancellations completed). */
    boolean closed() {
        return receives.stream().allMatch(UcpRequest::isCompleted);
    }

    /** Stops listening: the posted control receives are cancelled. */
    void close() {
        closing = true;
        for (UcpRequest r : new ArrayList<>(receives)) {
            try {
                worker.cancelRequest(r);
            } catch (RuntimeException ignored) {
                // completed meanwhile
            }
        }
    }
}
