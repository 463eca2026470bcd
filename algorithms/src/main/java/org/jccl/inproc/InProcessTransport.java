package org.jccl.inproc;

import java.nio.ByteBuffer;
import org.jccl.JcclException;
import org.jccl.spi.Completion;
import org.jccl.spi.Transport;

/** One rank's view of an {@link InProcessFabric}. Completions run on whichever rank's thread matched. */
final class InProcessTransport implements Transport {
    private final InProcessFabric fabric;
    private final int rank;
    private boolean closed;

    InProcessTransport(InProcessFabric fabric, int rank) {
        this.fabric = fabric;
        this.rank = rank;
    }

    @Override
    public void send(int peer, long tag, ByteBuffer buf, Completion done) {
        fabric.send(rank, peer, tag, 0, buf, done);
    }

    @Override
    public void recv(int peer, long tag, ByteBuffer buf, Completion done) {
        fabric.recv(rank, peer, tag, 0, false, buf, done);
    }

    @Override
    public void recvUpTo(int peer, long tag, ByteBuffer buf, Completion done) {
        fabric.recv(rank, peer, tag, 0, true, buf, done);
    }

    @Override
    public boolean staysOnMachine(int peer) {
        return true;
    }

    @Override
    public int checkedMessageBytes() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void send(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        fabric.send(rank, peer, tag, check, buf, done);
    }

    @Override
    public void recv(int peer, long tag, long check, ByteBuffer buf, Completion done) {
        fabric.recv(rank, peer, tag, check, false, buf, done);
    }

    @Override
    public void abort(JcclException cause) {
        fabric.abort(cause);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            fabric.close(rank);
        }
    }
}
