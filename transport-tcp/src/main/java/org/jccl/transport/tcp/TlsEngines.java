package org.jccl.transport.tcp;

import java.util.Locale;
import javax.net.ssl.SSLEngine;
import org.jccl.Configuration;
import org.jccl.spi.TlsIdentity;

/**
 * Where a data connection's {@link SSLEngine} comes from. OpenSSL (BoringSSL through netty-tcnative)
 * encrypts three times as fast as the JDK on this kind of machine (docs/performance.md), which is
 * what decides TLS's cost on a fast link; it is an optional dependency, so the JDK's engine stays
 * the fallback. {@link Configuration#PROP_TLS_PROVIDER} picks one by name.
 */
interface TlsEngines {
    /** A new engine: the client side for the rank that connects, the server side for the one that accepts. */
    SSLEngine engine(boolean client);

    /** The implementation's name, for the communicator's log line. */
    String provider();

    /** The engines {@code JCCL_TLS_PROVIDER} (or {@code jccl.tls.provider}) asks for, OpenSSL's when it loads and none is named. */
    static TlsEngines of(TlsIdentity identity) {
        String set = Configuration.setting(Configuration.PROP_TLS_PROVIDER, Configuration.ENV_TLS_PROVIDER);
        String wanted = set == null ? "auto" : set.trim().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "jdk" -> jdk(identity);
            case "openssl" -> {
                String missing = openSslMissing();
                if (missing != null) {
                    throw new IllegalArgumentException(Configuration.ENV_TLS_PROVIDER + "=openssl, but OpenSSL does not load: "
                            + missing + "; put io.netty:netty-handler and io.netty:netty-tcnative-boringssl-static on the class path");
                }
                yield new OpenSslEngines(identity);
            }
            case "auto", "" -> openSslMissing() == null ? new OpenSslEngines(identity) : jdk(identity);
            default -> throw new IllegalArgumentException(Configuration.ENV_TLS_PROVIDER + "=" + wanted
                    + " is not one of openssl, jdk or auto");
        };
    }

    /** Why OpenSSL cannot be used here, or null when it can. */
    private static String openSslMissing() {
        try {
            return OpenSslEngines.unavailable();
        } catch (LinkageError e) {
            return "Netty's SSL classes are not on the class path (" + e + ")";
        }
    }

    /** The JDK's own engines. */
    static TlsEngines jdk(TlsIdentity identity) {
        return new TlsEngines() {
            @Override
            public SSLEngine engine(boolean client) {
                return identity.engine(client);
            }

            @Override
            public String provider() {
                return "the JDK";
            }
        };
    }
}
