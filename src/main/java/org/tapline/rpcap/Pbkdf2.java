package org.tapline.rpcap;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PBKDF2 with HMAC-SHA256 (RFC 8018 §5.2) over a password's bytes. The JDK's
 * {@code PBKDF2WithHmacSHA256} takes characters and encodes them as UTF-8, so bytes that are not
 * UTF-8 would all decode to U+FFFD and hash alike; here they are the HMAC key as they are.
 */
final class Pbkdf2 {
    private static final String HMAC = "HmacSHA256";
    private static final int H_LEN = 32;

    private Pbkdf2() {}

    static byte[] sha256(byte[] password, byte[] salt, int iterations, int length) {
        Mac mac;
        try {
            mac = Mac.getInstance(HMAC);
            // RFC 2104 §2: a key shorter than the block is padded with zeros, so the empty key is
            // the one zero byte (SecretKeySpec refuses an empty key).
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
        byte[] out = new byte[length];
        byte[] u = new byte[H_LEN];
        byte[] t = new byte[H_LEN];
        for (int block = 1, at = 0; at < length; block++, at += H_LEN) {
            // U1 = PRF(P, S || INT(i)); Ui = PRF(P, Ui-1); T = U1 ^ ... ^ Uc
            mac.update(salt);
            mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
            finish(mac, u);
            System.arraycopy(u, 0, t, 0, H_LEN);
            for (int i = 1; i < iterations; i++) {
                mac.update(u);
                finish(mac, u);
                for (int k = 0; k < H_LEN; k++) {
                    t[k] ^= u[k];
                }
            }
            System.arraycopy(t, 0, out, at, Math.min(H_LEN, length - at));
        }
        java.util.Arrays.fill(u, (byte) 0);
        java.util.Arrays.fill(t, (byte) 0);
        return out;
    }

    private static void finish(Mac mac, byte[] into) {
        try {
            mac.doFinal(into, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
