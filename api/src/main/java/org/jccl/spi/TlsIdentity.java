package org.jccl.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;
import org.jccl.Configuration;

/**
 * A rank's side of mutual TLS, from PEM files: its certificate chain ({@code JCCL_TLS_CERT}), its
 * unencrypted PKCS#8 key ({@code JCCL_TLS_KEY}) and the CA bundle that signed every rank's
 * certificate ({@code JCCL_TLS_CA}). Every connection, the store's and the tcp transport's, asks the
 * other side for a certificate that bundle signed and that has not expired; there is no host name
 * to check, since ranks are named by rank, not by host. TLS 1.3 and 1.2 only. The store's
 * connections use the JDK's own provider; a transport may build its engines with another from
 * {@link #privateKey()}, {@link #certificateChain()} and {@link #authorities()}.
 */
public final class TlsIdentity {
    /** The first byte of a TLS handshake record: a peer whose first byte it is speaks TLS. */
    public static final int HANDSHAKE_RECORD = 0x16;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String PREFERRED_SUITE = "TLS_AES_128_GCM_SHA256";
    /** A client's server name indication is {@code rank-N.jccl}: its rank, for the server's messages. */
    private static final String RANK_NAME_PREFIX = "rank-";
    private static final String RANK_NAME_SUFFIX = ".jccl";
    private static final Pattern RANK_NAME = Pattern.compile("rank-[0-9]{1,9}\\.jccl");

    private final SSLContext context;
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final List<X509Certificate> authorities;

    private TlsIdentity(SSLContext context, PrivateKey privateKey, List<X509Certificate> chain,
            List<X509Certificate> authorities) {
        this.context = context;
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
        this.authorities = List.copyOf(authorities);
    }

    /**
     * Loads the three files; a file that is missing, unreadable or not what it should be fails with
     * a message naming the setting.
     */
    public static TlsIdentity load(Path cert, Path key, Path ca) {
        List<X509Certificate> chain = certificates(cert, Configuration.ENV_TLS_CERT);
        List<X509Certificate> authorities = certificates(ca, Configuration.ENV_TLS_CA);
        PrivateKey privateKey = privateKey(key);
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("jccl", privateKey, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                trusted.setCertificateEntry("ca" + i, authorities.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new TlsIdentity(context, privateKey, chain, authorities);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(Configuration.ENV_TLS_KEY + " " + key + " does not go with "
                    + Configuration.ENV_TLS_CERT + " " + cert + ": " + e.getMessage(), e);
        }
    }

    /**
     * What is wrong with this rank's own certificate now, or null: a peer refuses an expired one
     * without saying why, so this rank says it itself.
     */
    public String ownProblem() {
        X509Certificate certificate = chain.get(0);
        try {
            certificate.checkValidity();
            return null;
        } catch (CertificateExpiredException e) {
            return "this rank's own certificate (" + Configuration.ENV_TLS_CERT + ") expired on " + certificate.getNotAfter();
        } catch (CertificateNotYetValidException e) {
            return "this rank's own certificate (" + Configuration.ENV_TLS_CERT + ") is not valid before "
                    + certificate.getNotBefore();
        }
    }

    /** The subject of this rank's certificate, for messages. */
    public String subject() {
        return chain.get(0).getSubjectX500Principal().getName();
    }

    /** This rank's key, for a transport that builds its engines with another TLS provider. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** This rank's certificate chain, its own certificate first. */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** The certificates of the authorities whose signature a peer's certificate must carry. */
    public List<X509Certificate> authorities() {
        return authorities;
    }

    /** The protocol versions every side offers, newest first. */
    public static List<String> protocols() {
        return List.of(PROTOCOLS);
    }

    /** An engine for one connection: the client side for the rank that connects, the server side for the one that accepts. */
    public SSLEngine engine(boolean client) {
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(client);
        e.setSSLParameters(parameters());
        return e;
    }

    /**
     * A client socket over {@code plain}, already connected, for rank {@code rank}: the rank travels
     * in the hello as its server name indication, so that a server that refuses the certificate can
     * still say which rank it refused.
     */
    public SSLSocket clientSocket(Socket plain, String host, int port, int rank) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        s.setUseClientMode(true);
        SSLParameters p = parameters();
        p.setServerNames(List.of(new SNIHostName(RANK_NAME_PREFIX + rank + RANK_NAME_SUFFIX)));
        s.setSSLParameters(p);
        return s;
    }

    /**
     * The server side over an accepted {@code plain} socket, of which {@code consumed} was read
     * already; {@code rank} learns the client's rank from its hello (-1 when it gave none).
     */
    public SSLSocket serverSocket(Socket plain, InputStream consumed, IntConsumer rank) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, consumed, true);
        s.setUseClientMode(false);
        SSLParameters p = parameters();
        p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                rank.accept(rankOf(((SNIHostName) name).getAsciiName()));
                return true;
            }
        }));
        s.setSSLParameters(p);
        return s;
    }

    /**
     * The rank a jccl TLS hello names, read from {@code in} after its first byte, or -1 when the
     * bytes are no such hello (a stranger's). Reads one TLS record at most.
     */
    public static int rankInHello(InputStream in) throws IOException {
        byte[] head = in.readNBytes(4); // version (2), length (2): the type byte was read already
        if (head.length < 4) {
            return -1;
        }
        int length = ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        String record = new String(in.readNBytes(Math.min(length, 1 << 14)), StandardCharsets.ISO_8859_1);
        Matcher m = RANK_NAME.matcher(record);
        return m.find() ? rankOf(m.group()) : -1;
    }

    private static int rankOf(String name) {
        if (name.startsWith(RANK_NAME_PREFIX) && name.endsWith(RANK_NAME_SUFFIX)) {
            try {
                return Integer.parseInt(name, RANK_NAME_PREFIX.length(), name.length() - RANK_NAME_SUFFIX.length(), 10);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private SSLParameters parameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setNeedClientAuth(true);
        // AES-128-GCM first: as safe as the JDK's default AES-256 for a job's lifetime, and cheaper per byte
        List<String> suites = new ArrayList<>(List.of(p.getCipherSuites()));
        if (suites.remove(PREFERRED_SUITE)) {
            suites.add(0, PREFERRED_SUITE);
            p.setCipherSuites(suites.toArray(new String[0]));
            p.setUseCipherSuitesOrder(true);
        }
        return p;
    }

    private static List<X509Certificate> certificates(Path file, String setting) {
        byte[] pem = read(file, setting);
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(setting + " " + file + " holds no PEM certificate");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem = new String(read(file, Configuration.ENV_TLS_KEY), StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(Configuration.ENV_TLS_KEY + " " + file + " is not an unencrypted PKCS#8 PEM"
                    + " key (BEGIN PRIVATE KEY)" + (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                    || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")
                    ? "; convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW" : ""));
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException(Configuration.ENV_TLS_KEY + " " + file
                + " holds a PKCS#8 key of no algorithm this JDK reads (RSA, EC, Ed25519, Ed448)");
    }

    /** Why a TLS connection failed, in words a user can act on, with the JDK's own message after them. */
    public static String explain(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the peer's certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "the peer's certificate is not valid yet (" + t.getMessage() + ")";
            }
            if (t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "the peer's certificate has expired (" + t.getMessage() + ")";
            }
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("unable to find valid certification path") || m.contains("PKIX path")) {
            return "the peer's certificate is not signed by a CA in JCCL_TLS_CA (" + m + ")";
        }
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
            return "the peer does not speak TLS: set JCCL_TLS_CERT, JCCL_TLS_KEY and JCCL_TLS_CA on every rank (" + m + ")";
        }
        if (m.contains("certificate_expired")) {
            return "the peer refused this rank's certificate: it has expired (" + m + ")";
        }
        if (m.contains("Empty client certificate chain") || m.contains("Empty server certificate chain")) {
            return "the peer presented no certificate that a CA in JCCL_TLS_CA signed (" + m + ")";
        }
        if (m.contains("unknown_ca")) {
            return "the peer refused this rank's certificate: its CA did not sign it (" + m + ")";
        }
        if (m.contains("certificate_unknown") || m.contains("bad_certificate") || m.contains("certificate_required")) {
            return "the peer refused this rank's certificate: is it signed by the job's CA, and still valid? (" + m + ")";
        }
        return m;
    }

    private static byte[] read(Path file, String setting) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e, e);
        }
    }
}
