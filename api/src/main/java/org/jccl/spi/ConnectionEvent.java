package org.jccl.spi;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A Java Flight Recorder event per connection a transport makes to a peer: its duration is the
 * set-up's (connect and handshake for tcp, endpoint creation for ucx). Transports record it; nothing
 * is allocated while the event is disabled.
 */
@Name("org.jccl.Connection")
@Label("jccl Connection")
@Category({"jccl"})
@Description("A jccl transport's connection to a peer rank")
public final class ConnectionEvent extends Event {
    private static final EventType TYPE = EventType.getEventType(ConnectionEvent.class);

    @Label("Transport")
    String transport;

    @Label("Rank")
    int rank;

    @Label("Peer")
    @Description("The peer's rank, -1 where it was not known yet")
    int peer;

    @Label("Local Address")
    String local;

    @Label("Remote Address")
    String remote;

    private ConnectionEvent() {
    }

    /** A started event for a connection of {@code rank} to {@code peer} (-1: not known yet), or null while it is disabled. */
    public static ConnectionEvent begin(String transport, int rank, int peer) {
        if (!TYPE.isEnabled()) {
            return null;
        }
        ConnectionEvent e = new ConnectionEvent();
        e.transport = transport;
        e.rank = rank;
        e.peer = peer;
        e.begin();
        return e;
    }

    /** Ends and records {@code e}, if it was started, once the connection to {@code peer} is up. */
    public static void connected(ConnectionEvent e, int peer, String local, String remote) {
        if (e != null) {
            e.end();
            if (e.shouldCommit()) {
                e.peer = peer;
                e.local = local;
                e.remote = remote;
                e.commit();
            }
        }
    }
}
