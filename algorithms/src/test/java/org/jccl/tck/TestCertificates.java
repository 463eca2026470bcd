package org.jccl.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for the TLS tests, written as PEM files the way a user would hand them to
 * jccl: its own certificate, and certificates it signs for ranks (valid ones, expired ones), each
 * with an unencrypted PKCS#8 key. EC P-256 keys, which are quick to make.
 */
public final class TestCertificates implements AutoCloseable {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A rank's files. */
    public record Identity(Path certificate, Path key) {
    }

    private final Path dir;
    /** Whether {@link #close} deletes the directory: it made it itself. */
    private final boolean ownsDirectory;
    private final String name;
    private final KeyPair caKeys;
    private final Path caFile;

    private TestCertificates(Path dir, String name, boolean ownsDirectory) {
        this.dir = dir;
        this.ownsDirectory = ownsDirectory;
        this.name = name;
        this.caKeys = keys();
        X500Principal subject = new X500Principal("CN=" + name);
        Instant now = Instant.now();
        this.caFile = write(name + "-ca.pem", pem("CERTIFICATE", sign(subject, subject, caKeys, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)), true)));
    }

    /** A new authority called {@code name}, its files in {@code dir}. */
    public static TestCertificates authority(Path dir, String name) {
        return new TestCertificates(dir, name, false);
    }

    /** A new authority called {@code name}, its files in a temporary directory that {@link #close} deletes. */
    public static TestCertificates temporary(String name) {
        try {
            return new TestCertificates(Files.createTempDirectory("jccl-" + name), name, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the files, with the directory, when this authority made the directory itself. */
    @Override
    public void close() {
        if (!ownsDirectory) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The authority's certificate: the CA bundle every rank trusts. */
    public Path ca() {
        return caFile;
    }

    /** A certificate for {@code subject}, valid from yesterday for a month. */
    public Identity issue(String subject) {
        Instant now = Instant.now();
        return issue(subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** A certificate for {@code subject} that expired yesterday. */
    public Identity expired(String subject) {
        Instant now = Instant.now();
        return issue(subject, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    private Identity issue(String subject, Instant from, Instant to) {
        KeyPair keys = keys();
        byte[] cert = sign(new X500Principal("CN=" + name), new X500Principal("CN=" + subject), keys, from, to, false);
        String file = name + "-" + subject;
        return new Identity(write(file + ".pem", pem("CERTIFICATE", cert)),
                write(file + "-key.pem", pem("PRIVATE KEY", keys.getPrivate().getEncoded())));
    }

    private byte[] sign(X500Principal issuer, X500Principal subject, KeyPair subjectKeys, Instant from, Instant to,
                        boolean authority) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from), Date.from(to), subject, subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private Path write(String file, String content) {
        try {
            return Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
