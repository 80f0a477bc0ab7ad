package org.tapline.rpcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * tapline's own credentials for users that are not system accounts: one line per user,
 * {@code name:pbkdf2-sha256:iterations:salt:hash} (salt and hash in base64), made with
 * {@link #line}. Blank lines and {@code #} comments are ignored.
 */
public final class CredentialsFile {
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int ITERATIONS = 310_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final int MIN_ITERATIONS = 10_000;

    private record Entry(int iterations, byte[] salt, byte[] hash) {}

    private final Map<String, Entry> users;

    private CredentialsFile(Map<String, Entry> users) {
        this.users = users;
    }

    public static CredentialsFile load(Path file) throws IOException {
        Map<String, Entry> users = new HashMap<>();
        int n = 0;
        java.util.List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("credentials file " + FileReason.of(file, e), e);
        }
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":");
            try {
                if (f.length != 5 || !f[1].equals(SCHEME) || Integer.parseInt(f[2]) < MIN_ITERATIONS) {
                    throw new IllegalArgumentException();
                }
                users.put(f[0], new Entry(Integer.parseInt(f[2]), Base64.getDecoder().decode(f[3]), Base64.getDecoder().decode(f[4])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": line " + n + " is not 'user:" + SCHEME + ":iterations:salt:hash' (make lines with"
                        + " 'tapline rpcapd --hash-password USER')");
            }
        }
        return new CredentialsFile(users);
    }

    /** True when the user is listed and the password matches. Takes the same time for unknown users. */
    public boolean check(String user, byte[] password) {
        Entry e = users.get(user);
        Entry probe = e != null ? e : new Entry(ITERATIONS, new byte[SALT_BYTES], new byte[HASH_BITS / 8]);
        boolean same = MessageDigest.isEqual(hash(password, probe.salt(), probe.iterations()), probe.hash());
        return e != null && same;
    }

    public boolean contains(String user) {
        return users.containsKey(user);
    }

    /** A new file line for {@code user} with a fresh random salt. */
    public static String line(String user, byte[] password) {
        if (user.isEmpty() || user.contains(":") || user.contains("\n")) {
            throw new IllegalArgumentException("a user name must be non-empty and have no ':' or newline");
        }
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return user + ":" + SCHEME + ":" + ITERATIONS + ":" + b64.encodeToString(salt) + ":"
                + b64.encodeToString(hash(password, salt, ITERATIONS));
    }

    private static byte[] hash(byte[] password, byte[] salt, int iterations) {
        char[] chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(password)).array();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
