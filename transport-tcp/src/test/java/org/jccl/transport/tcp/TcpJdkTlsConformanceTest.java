package org.jccl.transport.tcp;

import org.jccl.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The TLS TCK again on the JDK's engines, the fallback where netty-tcnative is absent (the tests'
 * class path has it, so {@link TcpTlsConformanceTest} runs on OpenSSL).
 */
class TcpJdkTlsConformanceTest extends TcpTlsConformanceTest {
    @BeforeAll
    static void jdkEngines() {
        System.setProperty(Configuration.PROP_TLS_PROVIDER, "jdk");
    }

    @AfterAll
    static void defaultEngines() {
        System.clearProperty(Configuration.PROP_TLS_PROVIDER);
    }
}
