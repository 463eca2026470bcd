package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jccl.Configuration;
import org.jccl.spi.TlsIdentity;
import org.jccl.tck.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which engines {@code jccl.tls.provider} picks; the tests' class path has netty-tcnative. */
class TlsEnginesTest {
    @AfterEach
    void clear() {
        System.clearProperty(Configuration.PROP_TLS_PROVIDER);
    }

    private static String providerFor(String wanted) {
        if (wanted != null) {
            System.setProperty(Configuration.PROP_TLS_PROVIDER, wanted);
        }
        try (TestCertificates ca = TestCertificates.temporary("engines")) {
            TestCertificates.Identity id = ca.issue("CN=rank");
            return TlsEngines.of(TlsIdentity.load(id.certificate(), id.key(), ca.ca())).provider();
        }
    }

    @Test
    void openSslWhenItLoadsAndNoneIsNamed() {
        assertTrue(providerFor(null).startsWith("OpenSSL (BoringSSL"), providerFor(null));
        assertTrue(providerFor("auto").startsWith("OpenSSL"));
    }

    @Test
    void namedByTheProperty() {
        assertEquals("the JDK", providerFor("JDK"));
        assertTrue(providerFor("openssl").startsWith("OpenSSL"));
    }

    /** Without Netty on the class path (a child JVM whose class path leaves it out): the JDK's engines, or a clear refusal. */
    @Test
    void theJdkWithoutNetty() throws Exception {
        try (TestCertificates ca = TestCertificates.temporary("no-netty")) {
            TestCertificates.Identity id = ca.issue("CN=rank");
            assertEquals("the JDK", runWithoutNetty("auto", id, ca.ca()));
            String refused = runWithoutNetty("openssl", id, ca.ca());
            assertTrue(refused.startsWith("refused: JCCL_TLS_PROVIDER=openssl, but OpenSSL does not load: Netty's SSL classes"
                    + " are not on the class path"), refused);
        }
    }

    private static String runWithoutNetty(String provider, TestCertificates.Identity id, Path ca) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("netty")).collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "-D" + Configuration.PROP_TLS_PROVIDER + "=" + provider, ProviderProbe.class.getName(),
                id.certificate().toString(), id.key().toString(), ca.toString())).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not end");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    /** Prints which engines a rank gets, or why it gets none. */
    static final class ProviderProbe {
        public static void main(String[] args) {
            try {
                System.out.print(TlsEngines.of(TlsIdentity.load(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]))).provider());
            } catch (IllegalArgumentException e) {
                System.out.print("refused: " + e.getMessage());
            }
        }
    }

    @Test
    void anUnknownNameIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> providerFor("gnutls"));
        assertEquals("JCCL_TLS_PROVIDER=gnutls is not one of openssl, jdk or auto", e.getMessage());
    }
}
