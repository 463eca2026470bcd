package org.jccl.tck;

import java.time.Duration;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.TransportContext;

/** Transport contexts for tests that open transports directly through the SPI. */
public final class TestContexts {
    private TestContexts() {
    }

    /** A context with the given identity, secret and interface choice; rendezvous host 127.0.0.1. */
    public static TransportContext of(int rank, int size, long jobId, Bootstrap bootstrap, String secret, String ifname,
                                      Duration timeout) {
        return new TransportContext() {
            @Override
            public int rank() {
                return rank;
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public long jobId() {
                return jobId;
            }

            @Override
            public String secret() {
                return secret;
            }

            @Override
            public String socketInterface() {
                return ifname;
            }

            @Override
            public String rendezvousHost() {
                return "127.0.0.1";
            }

            @Override
            public Bootstrap bootstrap() {
                return bootstrap;
            }
        };
    }
}
