package org.jccl.spi;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Whether SLF4J has a backend to log to. Without one, SLF4J warns on standard error the first time
 * anybody asks it for a logger, so jccl, and the libraries it drives, ask only when this says yes.
 * Reflective, so that the api module needs no SLF4J.
 */
public final class LoggingBackend {
    private LoggingBackend() {
    }

    /** True when {@code slf4j.provider} names one or a provider is on the class path. */
    public static boolean slf4jPresent() {
        try {
            Class<?> provider = Class.forName("org.slf4j.spi.SLF4JServiceProvider", false, LoggingBackend.class.getClassLoader());
            return System.getProperty("slf4j.provider") != null
                    || ServiceLoader.load(provider, LoggingBackend.class.getClassLoader()).iterator().hasNext();
        } catch (ClassNotFoundException e) {
            return false; // no SLF4J at all
        } catch (ServiceConfigurationError e) {
            return false; // a broken backend: SLF4J itself would fall back to none
        }
    }
}
