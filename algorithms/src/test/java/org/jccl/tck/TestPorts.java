package org.jccl.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** Free loopback ports and the deadlines multi-rank tests run under. */
public final class TestPorts {
    private TestPorts() {
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The communicators' timeout in tests ({@code -Djccl.test.timeoutSeconds}, default 60). */
    public static Duration timeout() {
        return Duration.ofSeconds(Long.getLong("jccl.test.timeoutSeconds", 60));
    }

    /** The hard deadline of one multi-rank test group ({@code -Djccl.test.deadlineSeconds}, default 240). */
    public static Duration deadline() {
        return Duration.ofSeconds(Long.getLong("jccl.test.deadlineSeconds", 240));
    }
}
