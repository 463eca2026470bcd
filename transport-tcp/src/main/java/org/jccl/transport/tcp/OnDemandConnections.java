package org.jccl.transport.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.jccl.JcclException;

/**
 * One rank's connections to its peers, each opened the first time this rank sends to that peer, so
 * that a rank holds the connections its collectives use (ring neighbours, tree and hypercube
 * partners) and not the whole mesh. Operations posted to a peer before its connection opens wait
 * here, in order, and go to the connection when its handshake ends; a receive never dials, since the
 * peer that sends will.
 *
 * <p>Either rank of a pair may dial; when both send their first message at once, both dial, and the
 * connection the higher rank opened wins. The acceptor decides when it reads a HELLO, on its driver
 * thread: a higher rank that dials the lower one itself (or already has a connection from its own dial)
 * answers the lower rank's HELLO with DECLINE; a lower rank admits the higher rank's HELLO and drops
 * its own unanswered dial, which the higher rank declines or never reads. So exactly one connection
 * per pair carries data, and the declined dial's operations wait for the winner. Only the driver
 * thread touches this class.
 */
final class OnDemandConnections {
    /** What {@link #admit} says to a HELLO that passed its checks: take it, or let the pair's other connection win. */
    enum Admission { ADMIT, DECLINE }

    /** What this rank knows of one peer it has not got a connection with yet. */
    private static final class Contact {
        final ArrayDeque<Operation> sends = new ArrayDeque<>();
        final ArrayDeque<Operation> recvs = new ArrayDeque<>();
        /** This rank's dial: a {@link Dial} while TCP connects, then the connection in its handshake; or null. */
        Object dial;
        /** The dial's socket, which tells its connection from the peer's even while the connection is being made. */
        SocketChannel dialChannel;
        /** This rank's dial was declined: the peer's own connection is on its way. */
        boolean declined;
        /** Why no connection with the peer can open (it was unreachable, refused, or failed the handshake). */
        JcclException failure;
    }

    /** A TCP connect under way to {@code peer}; the attachment of its key. */
    private record Dial(int peer, SocketChannel channel, SelectionKey key, long deadline) {
    }

    private final TcpTransport transport;
    private final int rank;
    private final InetSocketAddress[] addresses;
    private final PeerConnection[] open;
    private final Contact[] contacts;
    /** Why this rank's job broke, told to every connection that opens from now on; null while it is whole. */
    private String abortReason;
    /** Connections in their handshake, accepted and dialed alike. */
    private final List<PeerConnection> handshaking = new ArrayList<>();
    /** TCP connects not answered yet. */
    private final List<Dial> connecting = new ArrayList<>();

    OnDemandConnections(TcpTransport transport, int rank, InetSocketAddress[] addresses) {
        this.transport = transport;
        this.rank = rank;
        this.addresses = addresses;
        this.open = new PeerConnection[addresses.length];
        this.contacts = new Contact[addresses.length];
    }

    /** Hands {@code op} to {@code peer}'s connection, or keeps it until the connection opens (dialing for a send). */
    void post(boolean send, int peer, Operation op) {
        PeerConnection c = open[peer];
        if (c != null) {
            if (send) {
                c.send(op);
            } else {
                c.recv(op);
            }
            return;
        }
        Contact k = contact(peer);
        if (k.failure != null) {
            op.fail(k.failure);
            return;
        }
        (send ? k.sends : k.recvs).add(op);
        if (send && k.dial == null) {
            dial(peer, k);
        }
    }

    private Contact contact(int peer) {
        Contact k = contacts[peer];
        if (k == null) {
            k = new Contact();
            contacts[peer] = k;
        }
        return k;
    }

    private void dial(int peer, Contact k) {
        long deadline = System.nanoTime() + transport.timeoutNanos();
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            k.dialChannel = ch;
            if (ch.connect(addresses[peer])) {
                handshake(k, ch, peer, deadline);
            } else {
                Dial d = new Dial(peer, ch, ch.register(transport.selector(), SelectionKey.OP_CONNECT), deadline);
                d.key().attach(d);
                connecting.add(d);
                k.dial = d;
            }
        } catch (IOException e) {
            TcpTransport.closeQuietly(ch);
            unreachable(peer, e.getMessage());
        }
    }

    /** Whether {@code key} belongs to a dial; if so, finishes its connect and starts its handshake. */
    boolean connectable(SelectionKey key) {
        if (!(key.attachment() instanceof Dial d)) {
            return false;
        }
        try {
            if (d.channel().finishConnect()) {
                connecting.remove(d);
                handshake(contact(d.peer()), d.channel(), d.peer(), d.deadline());
            }
        } catch (IOException e) {
            connecting.remove(d);
            TcpTransport.closeQuietly(d.channel());
            unreachable(d.peer(), e.getMessage());
        }
        return true;
    }

    /** Starts the handshake of a dial whose socket connected; a handshake that fails at once has failed the peer. */
    private void handshake(Contact k, SocketChannel ch, int peer, long deadline) throws IOException {
        PeerConnection c = transport.register(ch, false, peer, deadline);
        if (k.dialChannel == ch) {
            k.dial = c;
        }
    }

    private void unreachable(int peer, String why) {
        String hint = why != null && why.contains("refused") ? " (did it exit or close its communicator?)" : "";
        failPeer(peer, new JcclException(rank, "connect", "cannot connect to rank " + peer + " at "
                + addresses[peer] + (why == null ? "" : ": " + why) + hint));
    }

    /** Tracks an accepted or dialed connection until its handshake ends. */
    void handshaking(PeerConnection c) {
        handshaking.add(c);
    }

    /**
     * Decides on a HELLO from {@code peer} (proven, of this job): who wins when both ranks dialed.
     *
     * @return the admission, or null when {@code peer} has a connection already (a broken peer)
     */
    Admission admit(int peer) {
        if (open[peer] != null) {
            return peer < rank ? Admission.DECLINE : null; // a lower rank's dial lost to this rank's, which opened
        }
        Contact k = contacts[peer];
        if (k == null || k.dial == null) {
            return Admission.ADMIT;
        }
        if (peer < rank) {
            return Admission.DECLINE;
        }
        dropDial(k);
        return Admission.ADMIT;
    }

    /** This rank's dial to the peer lost to the peer's own connection: it ends, its operations wait for the winner. */
    void declined(PeerConnection c) {
        Contact k = contacts[c.peer()];
        if (k != null && k.dialChannel == c.channel()) {
            k.dial = null;
            k.dialChannel = null;
            k.declined = true;
        }
        c.close();
    }

    private void dropDial(Contact k) {
        if (k.dial instanceof Dial d) {
            connecting.remove(d);
            TcpTransport.closeQuietly(d.channel());
        } else if (k.dial instanceof PeerConnection c) {
            c.close();
        }
        k.dial = null;
        k.dialChannel = null;
    }

    /**
     * {@code c}'s handshake ended: it becomes the peer's connection and takes what waited for it, or
     * carries the news that this rank's job broke.
     */
    void opened(PeerConnection c) {
        int peer = c.peer();
        open[peer] = c;
        c.recordConnected();
        if (abortReason != null) {
            c.sendAbort(abortReason);
        }
        Contact k = contacts[peer];
        if (k != null) {
            contacts[peer] = null;
            for (Operation op; (op = k.recvs.poll()) != null; ) {
                c.recv(op);
            }
            for (Operation op; (op = k.sends.poll()) != null; ) {
                c.send(op);
            }
        }
    }

    /** {@code c}'s handshake failed: if it was this rank's dial, what waited for its peer fails. */
    void handshakeFailed(PeerConnection c, String why) {
        int peer = c.peer();
        Contact k = peer >= 0 ? contacts[peer] : null;
        if (k != null && k.dialChannel == c.channel()) {
            failPeer(peer, new JcclException(rank, "connect", "handshake with rank " + peer + " at " + addresses[peer]
                    + " failed: " + why));
        }
        c.close();
    }

    /** A process of this job claiming to be {@code peer} was refused: what waits for that rank fails. */
    void refused(int peer, String why) {
        failPeer(peer, new JcclException(rank, "connect", "refused a connection: " + why));
    }

    private void failPeer(int peer, JcclException cause) {
        Contact k = contact(peer);
        if (k.failure == null) {
            k.failure = cause;
        }
        dropDial(k);
        failWaiting(k, k.failure);
    }

    private static void failWaiting(Contact k, JcclException cause) {
        for (Operation op; (op = k.sends.poll()) != null; ) {
            op.fail(cause);
        }
        for (Operation op; (op = k.recvs.poll()) != null; ) {
            op.fail(cause);
        }
    }

    /** Ends handshakes and connects past their deadlines; returns nanoseconds until the next deadline. */
    long expire(long now) {
        long next = Long.MAX_VALUE;
        for (Iterator<PeerConnection> it = handshaking.iterator(); it.hasNext(); ) {
            PeerConnection c = it.next();
            if (c.isOpen() || c.isClosed()) {
                it.remove();
            } else if (c.handshakeExpired(now)) {
                it.remove();
                handshakeFailed(c, "no answer within the timeout");
            } else {
                next = Math.min(next, c.handshakeDeadline() - now);
            }
        }
        for (Iterator<Dial> it = connecting.iterator(); it.hasNext(); ) {
            Dial d = it.next();
            if (now - d.deadline() >= 0) {
                it.remove();
                TcpTransport.closeQuietly(d.channel());
                unreachable(d.peer(), "no answer within the timeout");
            } else {
                next = Math.min(next, d.deadline() - now);
            }
        }
        return next;
    }

    /** Runs {@code action} on every open connection. */
    void forEachOpen(Consumer<PeerConnection> action) {
        for (PeerConnection c : open) {
            if (c != null) {
                action.accept(c);
            }
        }
    }

    /** The peers whose open connection has closed. */
    List<Integer> lost() {
        List<Integer> lost = new ArrayList<>();
        for (int p = 0; p < open.length; p++) {
            if (open[p] != null && open[p].isClosed()) {
                lost.add(p);
            }
        }
        return lost;
    }

    /** How many connections are open. */
    int openCount() {
        int n = 0;
        for (PeerConnection c : open) {
            n += c != null && c.isOpen() ? 1 : 0;
        }
        return n;
    }

    /**
     * This rank's job broke: fails everything with {@code cause}, and every connection that opens
     * from now on hears {@code why} first.
     */
    void broken(JcclException cause, String why) {
        if (abortReason == null) {
            abortReason = why;
        }
        failAll(cause);
    }

    /**
     * Dials every peer this rank has no connection with, so that each hears why this rank's job broke
     * ({@link #broken} came first) as its connection opens: a peer may wait for a message from this
     * rank that will never come, and would otherwise learn only that the rank is gone.
     */
    void dialTheRest() {
        for (int p = 0; p < open.length; p++) {
            Contact k = p == rank || open[p] != null ? null : contact(p);
            if (k != null && k.dialChannel == null) {
                dial(p, k);
            }
        }
    }

    /**
     * Whether a connection is still being made: a dial (one that carries an abort, say), a peer's
     * connection that won over this rank's declined dial, or an accepted one in its handshake.
     */
    boolean connecting() {
        for (PeerConnection c : handshaking) {
            if (!c.isOpen() && !c.isClosed()) {
                return true;
            }
        }
        for (Contact k : contacts) {
            if (k != null && k.failure == null && (k.dial != null || k.declined)) {
                return true;
            }
        }
        return false;
    }

    /** Fails what waits for connections with {@code cause}, and every open connection's operations. */
    void failAll(JcclException cause) {
        for (int p = 0; p < contacts.length; p++) {
            if (contacts[p] != null) {
                failWaiting(contacts[p], cause); // later posts fail in the transport, before they come here
            }
        }
        forEachOpen(c -> c.fail(cause));
    }

    /** Closes every connection, open or opening, failing what is pending with {@code cause}. */
    void closeAll(JcclException cause) {
        failAll(cause);
        for (Contact k : contacts) {
            if (k != null) {
                dropDial(k);
            }
        }
        for (PeerConnection c : handshaking) {
            c.fail(cause);
            c.close();
        }
        handshaking.clear();
        forEachOpen(PeerConnection::close);
    }
}
