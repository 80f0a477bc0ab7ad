package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * Password guessing against the real daemon (issue 10, items 3, 4 and 6): guesses over a new
 * connection each, parallel guesses meant to starve other clients, and system accounts that
 * nobody allowed to log in.
 */
@ExtendWith(LabExtension.class)
class RpcapdLoginAttackTest {
    private static final int PORT = 2002;

    private static Socket from(String local) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), PORT));
        return s;
    }

    /** A credentials-file line with a chosen PBKDF2 cost (the JDK's PBKDF2, as older lines were made). */
    private static String line(String user, String password, int iterations) throws Exception {
        byte[] salt = (user + "-salt-0123456789").getBytes(StandardCharsets.UTF_8);
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        Base64.Encoder b = Base64.getEncoder();
        return user + ":pbkdf2-sha256:" + iterations + ":" + b.encodeToString(salt) + ":" + b.encodeToString(hash);
    }

    private static long lines(Daemon d, String text) {
        return d.log.stream().filter(l -> l.contains(text)).count();
    }

    /** Waits until the log has {@code n} lines with {@code text}. */
    private static void awaitLines(Daemon d, String text, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lines(d, text) < n) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + n + " '" + text + "' lines: " + d.log);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    private static void guess(String password) throws Exception {
        try (TestClient c = new TestClient(from("127.0.0.1"))) {
            assertEquals(Rpcap.ERR_AUTH_FAILED, c.authPassword("alice", password).value());
        }
    }

    /**
     * 30 wrong guesses, each over a new connection, with a SIGHUP in the middle: the daemon may
     * hash only as many as the penalty schedule lets through in the time they took (the k-th
     * hashed failure comes at least 2^(k-1) - 1 s after the first; one more for slack). Before,
     * every guess was hashed (40 in 1.8 s) and a reload forgot the penalties.
     */
    @Test
    void guessesOverNewConnectionsAreHashedOnlyAsThePenaltiesAllowAcrossAReload(Lab lab, @TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, line("alice", "s3cret", 310_000) + "\n");
        Path conf = dir.resolve("rpcapd.conf");
        Files.writeString(conf, "NullAuthPermit = NO\n");
        String ns = lab.netns("guess");
        Daemon d = Daemon.start(lab, ns, "-f", conf.toString(), "--credentials", users.toString(), "-b", "127.0.0.1", "-p", "" + PORT);
        lab.inNetns(ns, () -> {
            long start = System.nanoTime();
            for (int i = 0; i < 15; i++) {
                guess("guess" + i);
            }
            d.await("reloaded", d.hangUp(), 20);
            for (int i = 15; i < 30; i++) {
                guess("guess" + i);
            }
            awaitLines(d, "login failed", 30);
            double seconds = (System.nanoTime() - start) / 1e9;
            long hashed = lines(d, "wrong password or unknown user");
            long allowed = 2 + (long) Math.floor(Math.log(seconds + 1) / Math.log(2));
            assertTrue(hashed <= allowed, hashed + " of 30 guesses hashed in " + String.format("%.1f", seconds)
                    + " s; the penalties allow " + allowed + ": " + d.log);
            return null;
        });
    }

    /**
     * 32 connections from 127.0.0.2 guess alice's (costly) password in a loop while bob logs in
     * from 127.0.0.1 and a null-authenticated session from 127.0.0.3 lists the interfaces: both
     * answer within 5 s (before: a crypt lock or the virtual-thread carriers queued them behind
     * every guess, seconds each).
     */
    @Test
    void parallelGuessesFromOneAddressDoNotHoldUpOtherClients(Lab lab, @TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, line("alice", "s3cret", 2_000_000) + "\n" + line("bob", "b0b", 10_000) + "\n");
        String ns = lab.netns("flood");
        Daemon d = Daemon.start(lab, ns, "-n", "--credentials", users.toString(), "-b", "127.0.0.1", "-p", "" + PORT);
        lab.inNetns(ns, () -> {
            try (TestClient idle = new TestClient(from("127.0.0.3"))) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, idle.authNull().type());
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger sent = new AtomicInteger();
                List<FutureTask<Void>> attackers = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    attackers.add(lab.startInNetns(ns, () -> {
                        for (int n = 0; !stop.get(); n++) {
                            try (TestClient c = new TestClient(from("127.0.0.2"))) {
                                c.control.setSoTimeout(120_000);
                                c.send(Rpcap.MSG_AUTH_REQ, auth("alice", "guess" + n));
                                sent.incrementAndGet();
                                TestClient.read(new java.io.DataInputStream(c.control.getInputStream()));
                            }
                        }
                        return null;
                    }));
                }
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (sent.get() < 64) {
                        assertTrue(System.nanoTime() < deadline, "the attackers did not get going");
                        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                    }
                    idle.control.setSoTimeout(5_000);
                    assertEquals(Rpcap.MSG_FINDALLIF_REQ | Rpcap.REPLY, idle.request(Rpcap.MSG_FINDALLIF_REQ, new byte[0]).type(),
                            "an unrelated request answers within 5 s");
                    try (TestClient bob = new TestClient(from("127.0.0.1"))) {
                        bob.control.setSoTimeout(5_000);
                        assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, bob.authPassword("bob", "b0b").type(), "bob is in within 5 s");
                    }
                } finally {
                    stop.set(true);
                    for (FutureTask<Void> a : attackers) {
                        a.get(180, TimeUnit.SECONDS);
                    }
                }
            }
            return null;
        });
    }

    private static byte[] auth(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(8 + u.length + p.length).putShort((short) 1).putShort((short) 0)
                .putShort((short) u.length).putShort((short) p.length).put(u).put(p).array();
    }

    /** A system account with a password is refused unless the daemon names it (--system-users). */
    @Test
    void systemAccountsLogInOnlyWhenNamed(Lab lab) throws Exception {
        AuthenticatorTest.withAccount("tlatk", user -> {
            String plain = lab.netns("sysoff");
            Daemon.start(lab, plain, "-b", "127.0.0.1", "-p", "" + PORT);
            lab.inNetns(plain, () -> {
                try (TestClient c = new TestClient(from("127.0.0.1"))) {
                    assertEquals(Rpcap.ERR_AUTH_FAILED, c.authPassword(user, "Pa55word").value(), "system accounts are off by default");
                }
                return null;
            });
            String named = lab.netns("syson");
            Daemon.start(lab, named, "-b", "127.0.0.1", "-p", "" + PORT, "--system-users", "someone," + user);
            lab.inNetns(named, () -> {
                try (TestClient c = new TestClient(from("127.0.0.1"))) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authPassword(user, "Pa55word").type());
                }
                return null;
            });
        });
    }
}
