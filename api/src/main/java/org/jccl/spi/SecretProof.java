package org.jccl.spi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Challenge-response proof of the job secret: the acceptor sends a random nonce, the connector
 * answers HMAC-SHA256(secret, purpose || nonce). The secret itself never crosses the wire.
 */
public final class SecretProof {
    /** Bytes of a nonce. */
    public static final int NONCE_BYTES = 16;
    /** Bytes of a proof. */
    public static final int PROOF_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretProof() {
    }

    /** A fresh random nonce. */
    public static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    /** The proof for {@code nonce}; all zeros when there is no secret. */
    public static byte[] prove(String secret, String purpose, byte[] nonce) {
        if (secret == null) {
            return new byte[PROOF_BYTES];
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** True when {@code proof} is right for {@code nonce}, compared in constant time. */
    public static boolean verify(String secret, String purpose, byte[] nonce, byte[] proof) {
        return MessageDigest.isEqual(prove(secret, purpose, nonce), proof);
    }
}
