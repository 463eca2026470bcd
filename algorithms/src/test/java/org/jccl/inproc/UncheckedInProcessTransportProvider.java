package org.jccl.inproc;

import java.nio.ByteBuffer;
import org.jccl.JcclException;
import org.jccl.spi.Completion;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;

/**
 * {@code inproc-unchecked}, for tests: the in-process transport seen through an SPI that carries no
 * check words ({@link Transport#checkedMessageBytes()} 0, the SPI's default), as a third-party
 * transport might. The communicator then sends each collective's word as a message of its own.
 */
public final class UncheckedInProcessTransportProvider implements TransportProvider {
    /** The name to pass to the builder. */
    public static final String NAME = "inproc-unchecked";

    private final InProcessTransportProvider inner = new InProcessTransportProvider();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean crossesProcesses() {
        return false;
    }

    @Override
    public Transport open(TransportContext context) {
        Transport t = inner.open(context);
        return new Transport() {
            @Override
            public void send(int peer, long tag, ByteBuffer buf, Completion done) {
                t.send(peer, tag, buf, done);
            }

            @Override
            public void recv(int peer, long tag, ByteBuffer buf, Completion done) {
                t.recv(peer, tag, buf, done);
            }

            @Override
            public Progress progress() {
                return t.progress();
            }

            @Override
            public void abort(JcclException cause) {
                t.abort(cause);
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }
}
