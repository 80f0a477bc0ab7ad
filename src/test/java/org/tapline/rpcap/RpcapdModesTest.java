package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

@ExtendWith(LabExtension.class)
class RpcapdModesTest {

    @Test
    void activeModeDialsTheListeningClient(Lab lab) throws Exception {
        String ns = lab.netns("active");
        lab.inNetns(ns, () -> {
            try (ServerSocket listen = new ServerSocket(12003, 1, InetAddress.getByName("127.0.0.1"))) {
                lab.start(ns, org.tapline.lab.TestJvm.command(org.tapline.lab.TestJvm.classPath(), List.of(),
                        "rpcapd", "-n", "-v", "-a", "127.0.0.1,12003").toArray(new String[0]));
                listen.setSoTimeout(60_000);
                try (Socket dropped = listen.accept()) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, new TestClient(dropped).authNull().type());
                }
                // A session that ended without CLOSE is dialled again.
                try (TestClient c = new TestClient(listen.accept())) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
                    assertEquals(Rpcap.MSG_FINDALLIF_REQ | Rpcap.REPLY, c.request(Rpcap.MSG_FINDALLIF_REQ, new byte[0]).type());
                }
                // After CLOSE (TestClient.close sends it) the daemon stops dialling this client.
                listen.setSoTimeout(5_000);
                org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class, listen::accept);
            }
            return null;
        });
    }

    @Test
    void tlsWithASelfSignedCertificateAndPlainClientsRefused(Lab lab, @TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Lab.exec(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=tapline-test", "-days", "1"));
        String ns = lab.netns("tls");
        Daemon.start(lab, ns, "-n", "-S", "-K", key.toString(), "-X", cert.toString(), "-b", "127.0.0.1", "-p", "2002");
        lab.inNetns(ns, () -> {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
                @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", 2002);
            s.startHandshake();
            assertEquals("CN=tapline-test", ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
            try (TestClient c = new TestClient(s)) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
            }
            try (TestClient plain = new TestClient("127.0.0.1", 2002)) {
                TestClient.Message m = plain.authNull();
                assertEquals(Rpcap.ERR_TLS_REQUIRED, m.value());
                assertEquals("TLS is required by this server", m.text());
            }
            return null;
        });
    }

    @Test
    void sighupReloadsTheConfigFileForNewSessions(Lab lab, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("rpcapd.conf");
        Files.writeString(conf, "NullAuthPermit = NO\n");
        String ns = lab.netns("hup");
        Daemon d = Daemon.start(lab, ns, "-f", conf.toString(), "-b", "127.0.0.1", "-p", "2002");
        lab.inNetns(ns, () -> {
            try (TestClient before = new TestClient("127.0.0.1", 2002)) {
                assertEquals(Rpcap.ERR_AUTH_FAILED, before.authNull().value());
                Files.writeString(conf, "NullAuthPermit = YES\n");
                int logged = d.hangUp();
                d.await("reloaded " + conf, logged, 10);
                try (TestClient after = new TestClient("127.0.0.1", 2002)) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, after.authNull().type());
                }
                // The session opened before the reload keeps its settings.
                assertEquals(Rpcap.ERR_AUTH_FAILED, before.authNull().value());
            }
            return null;
        });
    }

    /**
     * The cause of a lost reload: started with SIGHUP ignored (nohup, a shell's background job,
     * some CI runners), the JVM refused the handler without a word, so the signal was dropped.
     * rpcapd takes SIGHUP whatever it inherited; so must we. The signal goes right after the
     * daemon says it listens.
     */
    @Test
    void sighupReloadsAlsoWhenTheDaemonWasStartedWithSighupIgnored(Lab lab, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("rpcapd.conf");
        Files.writeString(conf, "NullAuthPermit = NO\n");
        String ns = lab.netns("nohup");
        Daemon d = Daemon.start(lab, ns, List.of("nohup"), "-f", conf.toString(), "-b", "127.0.0.1", "-p", "2002");
        assertTrue(Files.readString(Path.of("/proc/" + d.process.pid() + "/status")).lines()
                .anyMatch(l -> l.startsWith("SigIgn:") && (Long.parseLong(l.substring(7).strip(), 16) & 1) == 0),
                "SIGHUP is no longer ignored once the daemon listens");
        Files.writeString(conf, "NullAuthPermit = YES\n");
        int logged = d.hangUp();
        d.await("reloaded " + conf + ": passive clients any, null authentication permitted", logged, 10);
        assertTrue(d.process.isAlive(), "SIGHUP reloads, it does not stop the daemon");
        lab.inNetns(ns, () -> {
            try (TestClient after = new TestClient("127.0.0.1", 2002)) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, after.authNull().type());
            }
            return null;
        });
    }

    @Test
    void aConfigFileThatCannotBeReadOnSighupLeavesTheSettingsAndTheLogSaysWhy(Lab lab, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("rpcapd.conf");
        Files.writeString(conf, "NullAuthPermit = YES\n");
        String ns = lab.netns("hupgone");
        Daemon d = Daemon.start(lab, ns, "-f", conf.toString(), "-b", "127.0.0.1", "-p", "2002");
        Files.delete(conf);
        int logged = d.hangUp();
        String line = d.await("cannot reload", logged, 10);
        assertEquals("rpcapd: error: cannot reload config file " + conf + ": No such file or directory; the settings stay as they were",
                line);
        lab.inNetns(ns, () -> {
            try (TestClient after = new TestClient("127.0.0.1", 2002)) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, after.authNull().type(), "null authentication is still permitted");
            }
            return null;
        });
    }

    @Test
    void inetdModeServesTheSocketOnStandardInput(Lab lab, @TempDir Path dir) throws Exception {
        String ns = lab.netns("inetd");
        List<String> cmd = org.tapline.lab.TestJvm.command(org.tapline.lab.TestJvm.classPath(), List.of(), "rpcapd", "-i", "-n");
        // A script keeps the class path's colons out of socat's address syntax; exec keeps the socket on stdin.
        Path script = dir.resolve("rpcapd-inetd.sh");
        Files.writeString(script, "#!/bin/sh\nexec " + String.join(" ", cmd) + "\n");
        script.toFile().setExecutable(true);
        lab.start(ns, "socat", "TCP-LISTEN:2002,bind=127.0.0.1,reuseaddr", "EXEC:" + script + ",nofork");
        lab.inNetns(ns, () -> {
            Socket s = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (s == null) {
                try {
                    s = new Socket("127.0.0.1", 2002);
                } catch (java.net.ConnectException notYet) {
                    assertTrue(System.nanoTime() < deadline, "socat did not listen");
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                }
            }
            try (TestClient c = new TestClient(s)) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
                assertEquals(Rpcap.MSG_OPEN_REQ | Rpcap.REPLY, c.open("lo").type());
            }
            return null;
        });
    }

    @Test
    void silentClientsAreDroppedAtTheAuthDeadlineAndOthersGoOn(Lab lab) throws Exception {
        String ns = lab.netns("slow");
        Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002", "--auth-timeout", "2");
        lab.inNetns(ns, () -> {
            try (Socket silent = new Socket("127.0.0.1", 2002); Socket partial = new Socket("127.0.0.1", 2002)) {
                partial.getOutputStream().write(new byte[] {0, 8, 0});
                silent.setSoTimeout(20_000);
                partial.setSoTimeout(20_000);
                try (TestClient good = new TestClient("127.0.0.1", 2002)) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, good.authNull().type());
                }
                for (Socket s : List.of(silent, partial)) {
                    TestClient.Message m = TestClient.read(new java.io.DataInputStream(s.getInputStream()));
                    assertEquals(Rpcap.ERR_INITTIMEOUT, m.value());
                    assertEquals(-1, s.getInputStream().read(), "closed after the timeout error");
                }
            }
            return null;
        });
    }

    @Test
    void thirtyTwoClientsCaptureAtOnceWithoutLeaks(Lab lab) throws Exception {
        String ns = lab.netns("load");
        // 32 sessions capturing from one address: above the default caps (8 sessions an address, 16 captures).
        Daemon d = Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002", "--max-sessions-per-host", "32", "--max-captures", "32",
                "--max-preauth-per-host", "32");
        long pid = d.process.pid();
        Process ping = lab.start(ns, "ping", "-i", "0.05", "-s", "200", "127.0.0.1");
        // The first round also brings the JVM's lazily made pollers and carrier threads into being;
        // the second must end with no more fds or threads than the first.
        assertEquals(List.of(32), List.of(round(lab, ns, 32)));
        int fds = settled("/proc/" + pid + "/fd", Integer.MAX_VALUE);
        int threads = settled("/proc/" + pid + "/task", Integer.MAX_VALUE);
        assertEquals(List.of(32), List.of(round(lab, ns, 32)));
        ping.destroy();
        assertTrue(settled("/proc/" + pid + "/fd", fds) <= fds, "fds after the second round: " + count("/proc/" + pid + "/fd") + " > " + fds);
        assertTrue(settled("/proc/" + pid + "/task", threads) <= threads,
                "threads after the second round: " + count("/proc/" + pid + "/task") + " > " + threads);
    }

    /** Runs {@code clients} concurrent captures of 20 packets each; returns how many completed. */
    private static int round(Lab lab, String ns, int clients) throws Exception {
        return lab.inNetns(ns, () -> {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Integer>> f = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    f.add(pool.submit(() -> {
                        try (TestClient c = new TestClient("127.0.0.1", 2002)) {
                            c.authNull();
                            c.open("lo");
                            TestClient.Message m = c.startCapture("icmp", 262144, false);
                            if (m.type() != (Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY)) {
                                throw new AssertionError(m.text());
                            }
                            return c.packets(20).size();
                        }
                    }));
                }
                int done = 0;
                for (Future<Integer> x : f) {
                    done += x.get(120, TimeUnit.SECONDS) == 20 ? 1 : 0;
                }
                return done;
            } finally {
                pool.shutdownNow();
            }
        });
    }

    /** Waits (bounded) until the entry count of a /proc directory is at most {@code target} and stable; returns it. */
    private static int settled(String dir, int target) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int last = -1;
        int now = count(dir);
        while ((now > target || now != last) && System.nanoTime() < deadline) {
            last = now;
            java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L);
            now = count(dir);
        }
        return now;
    }

    private static int count(String dir) throws Exception {
        try (var s = Files.list(Path.of(dir))) {
            return (int) s.count();
        }
    }

}
