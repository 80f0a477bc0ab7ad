package org.tapline.rpcap;

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
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.os.SystemAccounts;

class AuthenticatorTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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

    /** A throw-away system account with a known password, made with useradd/chpasswd and removed after. */
    @Test
    void systemAccountsThroughShadowAndCrypt() throws Exception {
        String user = "tltest" + ProcessHandle.current().pid() % 100000;
        Lab.exec(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user));
        try {
            Lab.exec(List.of("sh", "-c", "echo '" + user + ":Pa55word' | chpasswd"));
            assertTrue(SystemAccounts.check(user, b("Pa55word")));
            assertFalse(SystemAccounts.check(user, b("pa55word")));
            assertFalse(SystemAccounts.check("root", b("")), "a locked '*' hash never matches");
            assertFalse(SystemAccounts.check("tl-no-such-user", b("x")));
        } finally {
            Lab.exec(List.of("userdel", user));
        }
    }

    @Test
    void failuresSlowDownPerAddressAndSuccessClears() throws Exception {
        Instant[] now = {Instant.parse("2026-11-22T00:00:00Z")};
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId z) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
        Authenticator a = new Authenticator(false, null, false, clock);
        InetAddress p = InetAddress.getByName("192.0.2.7");
        InetAddress q = InetAddress.getByName("192.0.2.8");
        assertEquals(Duration.ZERO, a.waitFor(p));
        assertEquals(Duration.ofSeconds(1), a.failed(p));
        assertEquals(Duration.ofSeconds(2), a.failed(p));
        assertEquals(Duration.ofSeconds(2), a.waitFor(p));
        assertEquals(Duration.ZERO, a.waitFor(q), "other addresses are not slowed");
        now[0] = now[0].plusSeconds(2);
        assertEquals(Duration.ZERO, a.waitFor(p));
        for (int i = 0; i < 10; i++) {
            a.failed(p);
        }
        assertEquals(Duration.ofSeconds(64), a.waitFor(p), "capped");
        a.succeeded(p);
        assertEquals(Duration.ZERO, a.waitFor(p));
    }
}
