package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/** Our rpcap:// client (capture -i rpcap://..., list -r) against our daemon in another namespace, and against hostile servers. */
@ExtendWith(LabExtension.class)
class RemoteCaptureTest {

    private static String[] daemonAndClient(Lab lab) throws Exception {
        String[] ns = lab.twoHosts("rsrv", "rcli", "10.92.0");
        Process d = lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-n", "-D", "-b", "10.92.0.1")
                .toArray(new String[0]));
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(d.getErrorStream()));
        for (String l = err.readLine(); l != null && !l.contains("listening on"); l = err.readLine()) {
            // wait for the daemon to listen
        }
        return ns;
    }

    @Test
    void listsAndCapturesOverTcpAndUdp(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = daemonAndClient(lab);
        Cli list = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcap://10.92.0.1/"));
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("rpcap://10.92.0.1/veth-a") && list.out().contains("inet 10.92.0.1/24"), list.out());
        for (String transport : List.of("tcp", "udp")) {
            Path f = dir.resolve(transport + ".pcapng");
            FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> transport.equals("udp")
                    ? Cli.run("capture", "-i", "rpcap://10.92.0.1/lo", "-c", "4", "--udp", "--pcapng", "-w", f.toString(), "icmp")
                    : Cli.run("capture", "-i", "rpcap://10.92.0.1/lo", "-c", "4", "--pcapng", "-w", f.toString(), "icmp"));
            Process ping = lab.start(ns[0], "ping", "-i", "0.2", "127.0.0.1");
            Cli r = capture.get(60, TimeUnit.SECONDS);
            ping.destroy();
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("tapline: 4 packets captured"), r.err());
            String seen = Lab.exec(List.of("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.interface_name",
                    "-e", "frame.interface_description"));
            assertEquals(4, seen.lines().filter(l -> l.equals("rpcap://10.92.0.1:2002/lo\tremote capture of lo on 10.92.0.1 through rpcapd at port 2002"))
                    .count(), seen);
        }
    }

    @Test
    void activeModeCaptureWaitsForTheDaemonToDialInAndTheDaemonDialsAgainForTheNext(Lab lab) throws Exception {
        String[] ns = lab.twoHosts("asrv", "acli", "10.95.0");
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run("capture", "--listen", "10.95.0.2:2003",
                "-i", "rpcap://10.95.0.1/lo", "-c", "2", "icmp"));
        lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-n", "-v", "-a", "10.95.0.2,2003")
                .toArray(new String[0]));
        Process ping = lab.start(ns[0], "ping", "-i", "0.2", "127.0.0.1");
        Cli r = capture.get(90, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.contains("ICMP echo")).count(), r.out() + r.err());
        assertTrue(r.err().contains("tapline: waiting for an rpcapd -a to connect to 10.95.0.2:2003 (it retries every 30 s)"), r.err());
        // The capture ended without CLOSE (as libpcap's pcap_close does in active mode): the daemon dials again.
        Cli again = lab.inNetns(ns[1], () -> Cli.run("capture", "--listen", "10.95.0.2:2003", "-i", "rpcap://10.95.0.1/lo", "-c", "2", "icmp"));
        ping.destroy();
        assertEquals(0, again.exit(), again.err());
        assertEquals(2, again.out().lines().filter(l -> l.contains("ICMP echo")).count(), again.out() + again.err());
    }

    /**
     * Active mode serves only the source's host: a stranger on another address (here a second
     * address of the daemon's own machine) that connects first gets not a byte (no AUTH_REQ, so
     * no credentials) and is named on stderr; the daemon dialling from 10.95.3.1 is then served.
     */
    @Test
    void activeModeClosesAConnectionFromAnotherAddressAndServesTheSourcesHost(Lab lab) throws Exception {
        String[] ns = lab.twoHosts("xsrv", "xcli", "10.95.3");
        lab.address(ns[0], "veth-a", "10.95.3.3/24");
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run("capture", "--listen", "10.95.3.2:2003",
                "-i", "rpcap://10.95.3.1/lo", "-c", "2", "icmp"));
        byte[] got = lab.inNetns(ns[0], () -> firstToConnect(new InetSocketAddress("10.95.3.3", 0), new InetSocketAddress("10.95.3.2", 2003)));
        assertEquals(0, got.length, "the client sent " + got.length + " bytes to a stranger: " + HexFormat.of().formatHex(got));
        lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-n", "-a", "10.95.3.2,2003").toArray(new String[0]));
        Process ping = lab.start(ns[0], "ping", "-i", "0.2", "127.0.0.1");
        Cli r = capture.get(90, TimeUnit.SECONDS);
        ping.destroy();
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.contains("ICMP echo")).count(), r.out() + r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("tapline: refused a connection from 10.95.3.3:")
                && l.endsWith(": not an address of 10.95.3.1")), r.err());
    }

    /** Connects from {@code local} to {@code client} as soon as it listens; returns what the client sends before it hangs up. */
    private static byte[] firstToConnect(InetSocketAddress local, InetSocketAddress client) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.bind(local);
                s.connect(client, 5_000);
                s.setSoTimeout(10_000);
                java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
                try {
                    s.getInputStream().transferTo(seen);
                } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                    // still open after 10 s (it waits for our reply), or reset: what came is what counts
                }
                return seen.toByteArray();
            } catch (java.net.ConnectException e) {
                assertTrue(System.nanoTime() < deadline, "the client never listened on " + client);
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    /** In active mode nothing proves the dialler is the daemon: --auth without TLS is a usage error unless asked for. */
    @Test
    void activeModeRefusesAPasswordWithoutTlsUnlessAllowed() {
        Cli r = Cli.run("capture", "--listen", "127.0.0.1:0", "-i", "rpcap://127.0.0.1/lo", "--auth", "alice", "-c", "1");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--allow-plain-auth") && r.err().contains("rpcaps://"), r.err());
        // Allowed, it goes on to ask for the password (none here: no terminal, no variable).
        Cli allowed = Cli.run("capture", "--listen", "127.0.0.1:0", "-i", "rpcap://127.0.0.1/lo", "--auth", "alice", "--allow-plain-auth", "-c", "1");
        assertTrue(allowed.oneLineError() && allowed.err().contains("needs a password"), allowed.err());
    }

    @Test
    void rpcapsVerifiesTheServerUnlessInsecure(Lab lab, @TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Lab.exec(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=not-this-host", "-days", "1"));
        String[] ns = lab.twoHosts("tsrv", "tcli", "10.96.0");
        Process d = lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-n", "-D", "-S", "-K", key.toString(),
                "-X", cert.toString(), "-b", "10.96.0.1").toArray(new String[0]));
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(d.getErrorStream()));
        for (String l = err.readLine(); l != null && !l.contains("listening on"); l = err.readLine()) {
            // wait for the daemon to listen
        }
        Cli refused = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcaps://10.96.0.1/"));
        assertTrue(refused.oneLineError() && refused.err().contains("not signed by a trusted authority"), refused.err());
        Cli wrongName = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcaps://10.96.0.1/", "--ca", cert.toString()));
        assertTrue(wrongName.oneLineError() && wrongName.err().contains("not for 10.96.0.1")
                && wrongName.err().contains("-addext \"subjectAltName=IP:10.96.0.1\""), wrongName.err());
        Cli insecure = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcaps://10.96.0.1/", "--insecure"));
        assertEquals(0, insecure.exit(), insecure.err());
        assertTrue(insecure.out().contains("rpcaps://10.96.0.1/veth-a"), insecure.out());
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run("capture", "-i", "rpcaps://10.96.0.1/lo", "--insecure", "-c", "2", "icmp"));
        Process ping = lab.start(ns[0], "ping", "-i", "0.2", "127.0.0.1");
        Cli r = capture.get(60, TimeUnit.SECONDS);
        ping.destroy();
        assertEquals(2, r.out().lines().filter(l -> l.contains("ICMP echo")).count(), r.out() + r.err());
    }

    /** The README's TLS recipe: a certificate with the server's address and name in subjectAltName passes the check. */
    @Test
    void theReadmeTlsRecipeMakesACertificateThatVerifiesByAddress(Lab lab, @TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Lab.exec(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "365", "-subj", "/CN=server", "-addext", "subjectAltName=IP:10.97.1.1,DNS:server"));
        String[] ns = lab.twoHosts("rsrv", "rcli", "10.97.1");
        Process d = lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-n", "-S", "-K", key.toString(),
                "-X", cert.toString(), "-b", "10.97.1.1").toArray(new String[0]));
        awaitListening(d);
        Cli verified = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcaps://10.97.1.1/", "--ca", cert.toString()));
        assertEquals(0, verified.exit(), verified.err());
        assertTrue(verified.out().contains("rpcaps://10.97.1.1/veth-a"), verified.out());
    }

    @Test
    void aPlainServerAndAnUnknownHostAreNamedAsSuch(Lab lab) throws Exception {
        String[] ns = daemonAndClient(lab);
        Cli tls = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcaps://10.92.0.1/", "--insecure"));
        assertTrue(tls.oneLineError(), tls.err());
        assertEquals("tapline: TLS with 10.92.0.1 failed: the server does not speak TLS (use rpcap://, or start the daemon with -S)",
                tls.err().strip());
        Cli unknown = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcap://no-such-host.invalid/"));
        assertTrue(unknown.oneLineError(), unknown.err());
        assertEquals("tapline: unknown host no-such-host.invalid", unknown.err().strip());
    }

    /**
     * Writing a remote capture to a file, the stats line comes every 5 s only when a counter
     * moved: an idle capture prints none. The capture runs as a process so its stderr can be read
     * while it runs.
     */
    @Test
    void theStatsLineOfARemoteCaptureToAFileRepeatsOnlyWhenACounterMoved(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = daemonAndClient(lab);
        Path f = dir.resolve("idle.pcap");
        Process c = lab.start(ns[1], TestJvm.command(TestJvm.classPath(), List.of(), "capture", "-i", "rpcap://10.92.0.1/lo", "-c", "2",
                "-w", f.toString(), "icmp[icmptype] == icmp-echo").toArray(new String[0]));
        List<String> err = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(c.getErrorStream()))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    err.add(l);
                }
            } catch (java.io.IOException ignored) {
                // the capture ended
            }
        });
        awaitLine(err, "tapline: listening on", 30);
        lab.run(ns[0], "ping", "-c", "1", "127.0.0.1");
        awaitLine(err, " captured (", 30);
        // Nothing moves now: over two more intervals no stats line may come.
        long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        while (System.nanoTime() < quiet) {
            assertEquals(1, err.stream().filter(l -> l.contains(" captured (")).count(), "a stats line while nothing changed: " + err);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
        lab.run(ns[0], "ping", "-c", "1", "127.0.0.1");
        assertTrue(c.waitFor(30, TimeUnit.SECONDS), "the capture ends after 2 packets: " + err);
        awaitLine(err, "tapline: 2 packets captured", 10);
    }

    private static void awaitLine(List<String> lines, String text, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (lines.stream().noneMatch(l -> l.contains(text))) {
            assertTrue(System.nanoTime() < deadline, "no line with '" + text + "': " + lines);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    private static void awaitListening(Process d) throws java.io.IOException {
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(d.getErrorStream()));
        for (String l = err.readLine(); l != null && !l.contains("listening on"); l = err.readLine()) {
            // wait for the daemon to listen
        }
    }

    @Test
    void passwordFromTheEnvironmentNeverFromAFlag(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("psrv", "pcli", "10.99.1");
        Path users = dir.resolve("users");
        java.nio.file.Files.writeString(users, org.tapline.rpcap.CredentialsFile.line("alice", "wonder land".getBytes()) + "\n");
        Process d = lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-D", "-b", "10.99.1.1",
                "--credentials", users.toString()).toArray(new String[0]));
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(d.getErrorStream()));
        for (String l = err.readLine(); l != null && !l.contains("listening on"); l = err.readLine()) {
            // wait for the daemon to listen
        }
        List<String> list = new java.util.ArrayList<>(List.of("env", RemoteConnectionOptions.PASSWORD_VARIABLE + "=wonder land"));
        list.addAll(TestJvm.command(TestJvm.classPath(), List.of(), "list", "-r", "rpcap://10.99.1.1/", "--auth", "alice"));
        String out = lab.run(ns[1], list.toArray(new String[0]));
        assertTrue(out.contains("rpcap://10.99.1.1/veth-a"), out);
        Cli noAuth = lab.inNetns(ns[1], () -> Cli.run("list", "-r", "rpcap://10.99.1.1/"));
        assertTrue(noAuth.oneLineError() && noAuth.err().contains("NULL authentication not permitted"), noAuth.err());
    }

    /** The README's Java example, as written there but collecting instead of printing. */
    @Test
    void theReadmeJavaExampleWorks(Lab lab) throws Exception {
        String[] ns = daemonAndClient(lab);
        Process ping = lab.start(ns[0], "ping", "-i", "0.1", "127.0.0.1");
        List<String> lines = lab.inNetns(ns[1], () -> {
            List<String> out = new java.util.ArrayList<>();
            org.tapline.rpcap.SourceString src = org.tapline.rpcap.SourceString.parse("rpcap://10.92.0.1/lo");
            try (org.tapline.rpcap.RpcapClient client = org.tapline.rpcap.RpcapClient.connect(src, null, org.tapline.rpcap.RpcapClient.Tls.verifying());
                 org.tapline.rpcap.RpcapLink link = client.open(src.device(), org.tapline.rpcap.RpcapLink.Options.defaults().withFilter("icmp"))) {
                for (int seen = 0; seen < 10; ) {
                    seen += Math.max(0, link.receive((linkType, ts, len, data) ->
                            out.add(org.tapline.packet.Summary.of(linkType, data, len)), 64, 1000));
                }
                link.setFilter("tcp");
                assertTrue(link.stats().delivered() >= 10);
            }
            return out;
        });
        ping.destroy();
        assertTrue(lines.size() >= 10 && lines.stream().allMatch(l -> l.contains("ICMP echo")), lines.toString());
    }

    @Test
    void hostileServersGetAClearErrorNotAHang(Lab lab) throws Exception {
        String ns = lab.netns("hostile");
        for (String reply : List.of("0088000000000008000000000000000000820001" + "7fffffff",   // auth ok, then FINDALLIF plen 2 GiB
                "0088000000000008000000000000000000820005" + "00000004" + "00ff",         // 5 interfaces in 4 bytes
                "00010012000000154175746820666f7220796f75206e6f7420746f646179")) {          // ERROR 18
            Cli r = lab.inNetns(ns, () -> {
                try (ServerSocket s = new ServerSocket(2002, 1, InetAddress.getByName("127.0.0.1"))) {
                    FutureTask<Cli> client = lab.startInNetns(ns, () -> Cli.run("list", "-r", "rpcap://127.0.0.1/"));
                    try (Socket c = s.accept()) {
                        c.getInputStream().readNBytes(16);
                        OutputStream out = c.getOutputStream();
                        out.write(HexFormat.of().parseHex(reply));
                        out.flush();
                        return client.get(30, TimeUnit.SECONDS);
                    }
                }
            });
            assertTrue(r.oneLineError(), reply + ": " + r.err());
        }
    }

    @Test
    void badAdapterStringsAreRefusedClearly() {
        for (String s : List.of("rpcap://::1/lo", "RPCAP://host/eth0", "rpcap://user:pw@host/eth0", "rpcap://host:99999/eth0")) {
            Cli r = Cli.run("capture", "-i", s, "-c", "1");
            assertTrue(r.oneLineError(), s + ": " + r.err());
        }
    }
}
