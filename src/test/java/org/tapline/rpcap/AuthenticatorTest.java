package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.os.SystemAccounts;

class AuthenticatorTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A clock that moves only when told: penalties without waiting. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-22T00:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId z) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** The real hash functions, with a record of each call: which function, and at what cost. */
    static final class CountingHashes implements Passwords.Hashes {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public boolean pbkdf2(CredentialsFile.Entry entry, byte[] password) {
            calls.add("pbkdf2 " + entry.iterations());
            return REAL.pbkdf2(entry, password);
        }

        @Override
        public boolean crypt(byte[] password, String setting) {
            // The method and cost are the setting's first two '$' fields ("$y$j9T$salt$hash").
            String[] f = setting.split("\\$");
            calls.add("crypt " + f[1] + " " + f[2]);
            return REAL.crypt(password, setting);
        }
    }

    @Test
    void credentialsFileAcceptsOnlyTheRightPassword(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "# tapline users\n" + CredentialsFile.line("alice", b("s3cret")) + "\n");
        CredentialsFile c = CredentialsFile.load(f);
        assertTrue(c.check("alice", b("s3cret")));
        assertFalse(c.check("alice", b("s3cret ")));
        assertFalse(c.check("bob", b("s3cret")));
        Files.writeString(f, "alice:md5:1:x:y\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> CredentialsFile.load(f)).getMessage().contains("line 1"));
    }

    /** caf\xe9 and caf\xff are not UTF-8: decoded, both were "caf\uFFFD" and one opened the other's account. */
    @Test
    void passwordsAreHashedAsTheBytesSent(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9};
        Files.writeString(f, CredentialsFile.line("alice", latin1) + "\n");
        CredentialsFile c = CredentialsFile.load(f);
        assertTrue(c.check("alice", latin1));
        assertFalse(c.check("alice", new byte[] {'c', 'a', 'f', (byte) 0xff}));
        assertFalse(c.check("alice", b("caf\uFFFD")));
    }

    /** RFC 7914 §11's PBKDF2-HMAC-SHA256 vectors, and the JDK's own PBKDF2 for a UTF-8 password (older lines). */
    @Test
    void pbkdf2IsRfc8018AndReadsOlderLines() throws Exception {
        assertEquals("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
                HexFormat.of().formatHex(Pbkdf2.sha256(b("passwd"), b("salt"), 1, 64)));
        assertEquals("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
                HexFormat.of().formatHex(Pbkdf2.sha256(b("Password"), b("NaCl"), 80000, 64)));
        byte[] salt = b("0123456789abcdef");
        PBEKeySpec spec = new PBEKeySpec("wönder länd".toCharArray(), salt, 10_000, 256);
        byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        assertArrayEquals(jdk, Pbkdf2.sha256(b("wönder länd"), salt, 10_000, 32));
    }

    /**
     * Timing must not tell a known user from an unknown one: every check runs exactly one hash,
     * of the same function and cost, whether the user is listed, unknown, a system account not
     * allowed, or one whose password is locked.
     */
    @Test
    void everyUserCostsOneHashOfTheSameKind(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, CredentialsFile.line("alice", b("s3cret")) + "\n");
        CountingHashes h = new CountingHashes();
        Passwords file = new Passwords(CredentialsFile.load(f), Set.of(), null, h);
        assertFalse(file.check("alice", b("wrong")));
        assertFalse(file.check("mallory", b("wrong")));
        assertFalse(file.check("root", b("wrong")));
        assertTrue(file.check("alice", b("s3cret")));
        assertEquals(List.of("pbkdf2 310000", "pbkdf2 310000", "pbkdf2 310000", "pbkdf2 310000"), h.calls);

        withAccount("tltest", user -> {
            String cost = String.join(" ", List.of(SystemAccounts.storedHash(user).split("\\$")).subList(1, 3));
            CountingHashes s = new CountingHashes();
            Passwords system = new Passwords(null, Set.of(user, "root"), null, s);
            assertFalse(system.check(user, b("wrong")));
            assertFalse(system.check("tl-no-such-user", b("wrong")));
            assertFalse(system.check("root", b("")), "root's password is locked here");
            assertFalse(system.check("nobody", b("wrong")), "not named");
            assertTrue(system.check(user, b("Pa55word")));
            assertEquals(List.of("crypt " + cost, "crypt " + cost, "crypt " + cost, "crypt " + cost, "crypt " + cost), s.calls);
        });
    }

    interface AccountBody {
        void run(String user) throws Exception;
    }

    /** Runs {@code body} with a throw-away system account whose password is Pa55word, made with useradd/chpasswd and removed after. */
    static void withAccount(String prefix, AccountBody body) throws Exception {
        String user = prefix + ProcessHandle.current().pid() % 100000;
        Lab.exec(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user));
        try {
            Lab.exec(List.of("sh", "-c", "echo '" + user + ":Pa55word' | chpasswd"));
            body.run(user);
        } finally {
            Lab.exec(List.of("userdel", user));
        }
    }

    @Test
    void systemAccountsAreOptInByNameOrGroup() throws Exception {
        String group = "tlgrp" + ProcessHandle.current().pid() % 100000;
        withAccount("tltest", user -> {
            assertTrue(SystemAccounts.check(user, b("Pa55word")));
            assertFalse(SystemAccounts.check(user, b("pa55word")));
            assertFalse(SystemAccounts.check(user, b("Pa55word\0tail")), "a NUL does not cut the password short");
            assertFalse(SystemAccounts.check("root", b("")), "a locked '*' hash never matches");
            assertFalse(SystemAccounts.check("tl-no-such-user", b("x")));

            assertFalse(new Passwords(null, Set.of(), null).check(user, b("Pa55word")), "system accounts are off by default");
            assertFalse(new Passwords(null, Set.of("someone"), null).check(user, b("Pa55word")), "not named");
            assertTrue(new Passwords(null, Set.of(user), null).check(user, b("Pa55word")));
            Lab.exec(List.of("groupadd", group));
            try {
                assertFalse(new Passwords(null, Set.of(), group).check(user, b("Pa55word")), "not yet in the group");
                Lab.exec(List.of("usermod", "-aG", group, user));
                assertTrue(new Passwords(null, Set.of(), group).check(user, b("Pa55word")));
            } finally {
                Lab.exec(List.of("groupdel", group));
            }
        });
    }

    @Test
    void failuresSlowDownPerAddressAndSuccessClears() throws Exception {
        TestClock clock = new TestClock();
        try (LoginGuard a = new LoginGuard(clock)) {
            InetAddress p = InetAddress.getByName("192.0.2.7");
            InetAddress q = InetAddress.getByName("192.0.2.8");
            assertEquals(Duration.ZERO, a.waitFor(p));
            assertEquals(Duration.ofSeconds(1), a.failed(p));
            assertEquals(Duration.ofSeconds(2), a.failed(p));
            assertEquals(Duration.ofSeconds(2), a.waitFor(p));
            assertEquals(Duration.ZERO, a.waitFor(q), "other addresses are not slowed");
            assertEquals(Duration.ofSeconds(1), a.failed(InetAddress.getByName("2001:db8::1")));
            assertEquals(Duration.ofSeconds(1), a.waitFor(InetAddress.getByName("2001:db8::77")), "IPv6 counts per /64");
            clock.now = clock.now.plusSeconds(2);
            assertEquals(Duration.ZERO, a.waitFor(p));
            for (int i = 0; i < 10; i++) {
                a.failed(p);
            }
            assertEquals(Duration.ofSeconds(64), a.waitFor(p), "capped");
            a.succeeded(p);
            assertEquals(Duration.ZERO, a.waitFor(p));
        }
    }

    /**
     * One guess per session (as one per connection): after a failure the address's next guesses
     * are refused without hashing, the right password too, until its wait is over; a new
     * configuration (what a reload makes) shares the server's guard and so the wait.
     */
    @Test
    void guessesInNewSessionsAreRefusedBeforeHashingUntilTheWaitIsOver(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, CredentialsFile.line("alice", b("s3cret")) + "\n");
        CountingHashes h = new CountingHashes();
        Passwords passwords = new Passwords(CredentialsFile.load(f), Set.of(), null, h);
        TestClock clock = new TestClock();
        InetAddress attacker = InetAddress.getByName("192.0.2.66");
        try (LoginGuard guard = new LoginGuard(clock)) {
            Authenticator before = new Authenticator(false, passwords, guard);
            assertEquals("wrong password or unknown user", before.login(attacker, "alice", b("guess0")).reason());
            List<Authenticator.Outcome> refused = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                refused.add(before.login(attacker, "alice", b("guess" + i)));
            }
            Authenticator reloaded = new Authenticator(true, passwords, guard);
            refused.add(reloaded.login(attacker, "alice", b("s3cret")));
            assertTrue(refused.stream().noneMatch(Authenticator.Outcome::accepted));
            assertEquals(1, h.calls.size(), "one hash for 22 guesses within the first second");
            assertTrue(reloaded.login(InetAddress.getByName("192.0.2.67"), "alice", b("s3cret")).accepted(), "other addresses go on");
            clock.now = clock.now.plusSeconds(1);
            assertTrue(reloaded.login(attacker, "alice", b("s3cret")).accepted());
            assertEquals(3, h.calls.size());
        }
    }
}
