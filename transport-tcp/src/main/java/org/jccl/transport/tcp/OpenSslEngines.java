package org.jccl.transport.tcp;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.jccl.spi.LoggingBackend;
import org.jccl.spi.TlsIdentity;

/**
 * OpenSSL's engines, through Netty's {@code SslContext} over netty-tcnative's BoringSSL, with the
 * same terms as the JDK's: mutual authentication against the job's CA, TLS 1.3 and 1.2, AES-128-GCM
 * first, no host name check (ranks are named by rank, not host). Certificates are checked inside
 * the handshake call rather than as a delegated task, since the connection's own thread runs the
 * task at once anyway. Only this class names Netty: without it on the class path nothing loads it.
 */
final class OpenSslEngines implements TlsEngines {
    static {
        if (!LoggingBackend.slf4jPresent()) {
            // Netty asks SLF4J first, and SLF4J without a backend warns on standard error: jccl stays quiet
            InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        }
    }

    private final SslContext client;
    private final SslContext server;

    OpenSslEngines(TlsIdentity identity) {
        X509Certificate[] chain = identity.certificateChain().toArray(new X509Certificate[0]);
        X509Certificate[] authorities = identity.authorities().toArray(new X509Certificate[0]);
        try {
            this.client = configure(SslContextBuilder.forClient().keyManager(identity.privateKey(), chain)
                    .endpointIdentificationAlgorithm(null), authorities);
            this.server = configure(SslContextBuilder.forServer(identity.privateKey(), chain)
                    .clientAuth(ClientAuth.REQUIRE), authorities);
        } catch (SSLException e) {
            throw new IllegalArgumentException("OpenSSL refuses this rank's TLS files: " + TlsIdentity.explain(e), e);
        }
    }

    private static SslContext configure(SslContextBuilder b, X509Certificate[] authorities) throws SSLException {
        return b.sslProvider(SslProvider.OPENSSL)
                .trustManager(authorities)
                .protocols(TlsIdentity.protocols().toArray(new String[0]))
                .option(OpenSslContextOption.USE_TASKS, false)
                .build();
    }

    /** Why OpenSSL cannot be used here, or null when it can. */
    static String unavailable() {
        return OpenSsl.isAvailable() ? null : String.valueOf(OpenSsl.unavailabilityCause());
    }

    @Override
    public SSLEngine engine(boolean clientSide) {
        return (clientSide ? client : server).newEngine(ByteBufAllocator.DEFAULT);
    }

    @Override
    public String provider() {
        return "OpenSSL (" + OpenSsl.versionString() + ")";
    }
}
