package org.tapline.rpcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.tapline.pcap.FileErrors;

/**
 * tapline's own credentials for users that are not system accounts: one line per user,
 * {@code name:pbkdf2-sha256:iterations:salt:hash} (salt and hash in base64), made with
 * {@link #line}. Blank lines and {@code #} comments are ignored. The hash is PBKDF2-HMAC-SHA256
 * (RFC 8018) over the password's bytes as sent: for UTF-8 passwords the same as the JDK's
 * {@code PBKDF2WithHmacSHA256}, which older lines were made with.
 */
public final class CredentialsFile {
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int ITERATIONS = 310_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final int MIN_ITERATIONS = 10_000;

    /** One user's line; {@link #matches} hashes the password bytes as they came (never a decoded string). */
    record Entry(int iterations, byte[] salt, byte[] hash) {
        boolean matches(byte[] password) {
            boolean same = MessageDigest.isEqual(Pbkdf2.sha256(password, salt, iterations, hash.length), hash);
            return same && this != DUMMY;
        }
    }

    /** What users not in the file are checked against: the cost of a new line, a hash nothing gives. */
    private static final Entry DUMMY = new Entry(ITERATIONS, new byte[SALT_BYTES], new byte[HASH_BITS / 8]);

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
            throw new IOException("credentials file " + FileErrors.text(file, e), e);
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
                Entry e = new Entry(Integer.parseInt(f[2]), Base64.getDecoder().decode(f[3]), Base64.getDecoder().decode(f[4]));
                if (e.hash().length != HASH_BITS / 8) {
                    throw new IllegalArgumentException();
                }
                users.put(f[0], e);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": line " + n + " is not 'user:" + SCHEME + ":iterations:salt:hash' (make lines with"
                        + " 'tapline rpcapd --hash-password USER')");
            }
        }
        return new CredentialsFile(users);
    }

    /**
     * The entry of {@code user}, or (for a user not in the file) a dummy entry of the same cost
     * that no password matches, so that a check takes as long whoever the user is.
     */
    Entry entry(String user) {
        Entry e = users.get(user);
        return e != null ? e : DUMMY;
    }

    boolean lists(String user) {
        return users.containsKey(user);
    }

    /** True when the user is listed and the password matches: one PBKDF2 whoever the user is. */
    public boolean check(String user, byte[] password) {
        return entry(user).matches(password);
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
                + b64.encodeToString(Pbkdf2.sha256(password, salt, ITERATIONS, HASH_BITS / 8));
    }
}
