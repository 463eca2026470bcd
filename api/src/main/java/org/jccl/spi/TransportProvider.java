package org.jccl.spi;

/**
 * A transport implementation, found at run time through {@link java.util.ServiceLoader} by its
 * {@link #name()}.
 */
public interface TransportProvider {
    /** The name users select it by, e.g. {@code tcp}. */
    String name();

    /** Null when the transport can run on this machine, else what is missing and how to get it. */
    default String unavailableReason() {
        return null;
    }

    /**
     * Whether ranks in separate processes can use it; false for a transport between threads of one
     * JVM, which the start-up check then refuses for ranks in several processes.
     */
    default boolean crossesProcesses() {
        return true;
    }

    /**
     * The transport's own settings that every rank must share, setting name to value (for UCX: the
     * transports {@code UCX_TLS} lets it use), compared across ranks at start-up like jccl's own.
     */
    default java.util.Map<String, String> startupSettings() {
        return java.util.Map.of();
    }

    /** Connects to every peer of the job; returns once all connections are established. */
    Transport open(TransportContext context);
}
