package org.jccl.transport.ucx;

import java.nio.ByteBuffer;
import org.jccl.JcclException;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Completion;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpRequest;

/**
 * A send or receive posted to UCX. It takes the caller's window (address, or offset into a heap
 * buffer, and length) when it is made, so that a message costs no buffer views, and it is linked
 * into its peer's list in the {@link PeerLedger} while posted. A message up to
 * {@link UcxTransport#CHECKED_BYTES} with a check word carries it in an 8-byte trailer after the
 * payload, through a pooled buffer; the receive checks the sender's word before its length, since
 * the word says more about a sender in another call than a length would.
 *
 * <p>Most operations post no callback: the transport looks at their requests after each round of
 * progress ({@link #requestCompleted}). Only a receive of a message that is already there calls
 * back, since JUCX can complete it inside the post and then throw.
 */
final class PostedOp extends UcxCallback {
    // set by reset(), once per use: an operation that ended cleanly is used again (PostedOpPool)
    int peer;
    boolean send;
    /** A receive that takes any message that fits ({@code Transport.recvUpTo}). */
    boolean upTo;
    long tag;
    /** The check word, sent or expected in an 8-byte trailer after the payload; 0: no trailer. */
    long check;
    /** Bytes on the wire: the payload, and the trailer if there is one. */
    int wireLength;
    /** The caller's memory, or 0 when a pooled direct buffer stands in (a heap buffer, or a trailer). */
    long address;
    private final UcxTransport owner;
    private ByteBuffer user;
    private int offset;
    private int length;
    private Completion done;
    /** The stand-in UCX reads or writes instead of the caller's memory, or null (set when posted). */
    StagingPool.Slot staged;
    UcpRequest request;
    /** The length of the message a receive took from UCX's queue of early ones, or -1. */
    long arrived = -1;
    /** The request of a receive that called back, whose size is checked one round later. */
    private UcpRequest calledBackWith;
    private boolean finished;
    /** UCX called back (the operation may have completed inside its post). */
    boolean calledBack;
    /** In its peer's list of the {@link PeerLedger}, which links it through these. */
    boolean linked;
    PostedOp previous;
    PostedOp next;

    PostedOp(UcxTransport owner) {
        this.owner = owner;
    }

    /** Makes this the operation described, with nothing of an earlier use left; returns it. */
    PostedOp reset(int peer, boolean send, boolean upTo, long tag, long check, ByteBuffer buf, Completion done) {
        this.peer = peer;
        this.send = send;
        this.upTo = upTo;
        this.tag = tag;
        this.user = buf;
        this.offset = buf.position();
        this.length = buf.remaining();
        this.check = length <= UcxTransport.CHECKED_BYTES ? check : 0;
        this.wireLength = this.check != 0 ? length + Long.BYTES : length;
        this.address = buf.isDirect() && this.check == 0 ? UcxUtils.getAddress(buf) : 0;
        this.done = done;
        this.staged = null;
        this.request = null;
        this.arrived = -1;
        this.calledBackWith = null;
        this.finished = false;
        this.calledBack = false;
        this.linked = false;
        this.previous = null;
        this.next = null;
        return this;
    }

    /** True while UCX still holds this operation's request, and so its stand-in and callback. */
    boolean heldByUcx() {
        return request != null && !request.isCompleted();
    }

    /** Copies the payload (and trailer) of a send into its stand-in. */
    void fillWire() {
        staged.buffer.put(0, user, offset, length);
        if (check != 0) {
            staged.buffer.putLong(length, check);
        }
    }

    /**
     * The request of an operation posted without a callback completed (a call back into Java costs
     * more than a small message): JUCX sets a receive's size before its status.
     */
    void requestCompleted() {
        int status = request.getStatus();
        if (status != 0) {
            onError(status, "status " + status);
        } else if (send) {
            finish(null);
        } else {
            received(request);
        }
    }

    @Override
    public void onSuccess(UcpRequest r) {
        calledBack = true;
        if (r != null && wireLength > 0) {
            // JUCX fills in the received size after this callback returns: check it one round later
            calledBackWith = r;
            owner.checkLater(this);
            return;
        }
        received(null);
    }

    /** A receive's second look, one round after it called back. */
    void checkReceived() {
        received(calledBackWith);
    }

    private void received(UcpRequest r) {
        if (finished) {
            return; // failed meanwhile (the peer went, or the transport closed): its stand-in is released
        }
        // JUCX fills the size in either the callback's request or the one the post returned
        // (a receive matched at once from the unexpected queue); 0 in both means unknown
        long got = r == null ? wireLength : Math.max(r.getRecvSize(), request == null ? 0 : request.getRecvSize());
        if (got <= 0 && arrived >= 0) {
            got = arrived;
        }
        if (check != 0) {
            if (got < Long.BYTES) {
                fail(new JcclException(owner.rank(), "recv", "message of " + Math.max(got, 0) + " B from rank " + peer
                        + " carries no check word (do all ranks call the same collective?)"));
                return;
            }
            long theirs = staged.buffer.getLong((int) got - Long.BYTES);
            if (theirs != check) {
                fail(new CheckMismatch(owner.rank(), peer, check, theirs));
                return;
            }
        }
        if (upTo) {
            int bytes = (int) Math.max(got, 0);
            if (address == 0) {
                user.put(offset, staged.buffer, 0, bytes);
            }
            finish(null, bytes);
            return;
        }
        if (got > 0 && got != wireLength) {
            fail(mismatch(got));
            return;
        }
        if (address == 0) {
            user.put(offset, staged.buffer, 0, length);
        }
        finish(null);
    }

    @Override
    public void onError(int status, String message) {
        calledBack = true;
        if (!send && status == -9) { // UCS_ERR_MESSAGE_TRUNCATED: the message is longer than the receive
            fail(new JcclException(owner.rank(), "recv", "message from rank " + peer
                    + " is longer than the posted receive of " + length + " B"
                    + (upTo ? "" : " (do all ranks pass the same counts?)")));
        } else {
            JcclException broken = owner.failure();
            fail(broken != null ? broken : new JcclException(owner.rank(), send ? "send" : "recv",
                    (send ? "sending to" : "receiving from") + " rank " + peer + " failed: " + message
                            + " (UCX status " + status + ")"));
        }
    }

    /** Bytes of the check-word trailer on the wire: 8 or 0. */
    int trailerLength() {
        return wireLength - length;
    }

    /** The error for a message of {@code wireBytes} (trailer included) where this receive expects another length. */
    JcclException mismatch(long wireBytes) {
        return new JcclException(owner.rank(), "recv", "message of " + (wireBytes - trailerLength()) + " B from rank " + peer
                + " does not match the posted receive of " + length + " B (do all ranks pass the same counts?)");
    }

    void fail(JcclException cause) {
        finish(cause);
    }

    private void finish(JcclException cause) {
        finish(cause, length);
    }

    /** Ends the operation, an up-to receive with a message of {@code bytes}. */
    private void finish(JcclException cause, int bytes) {
        if (finished) {
            return;
        }
        finished = true;
        owner.finished(this, cause == null);
        Completion d = done;
        user = null; // the caller's buffer and completion are not kept alive by a pooled operation
        done = null;
        if (cause == null && upTo) {
            d.received(bytes);
        } else if (cause == null) {
            d.completed();
        } else {
            d.failed(cause);
        }
        owner.afterFinished(this, cause == null);
    }
}
