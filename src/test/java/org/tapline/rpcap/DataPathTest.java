package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.os.BpfCodes;
import org.tapline.os.SocketTable;

/**
 * The attacks of issue 10 items 7 and 8 on the data path: another local user taking the data
 * port, a capture seeing another session's password, a link-local client's capture re-sending
 * its own stream.
 */
@ExtendWith(LabExtension.class)
class DataPathTest {
    private static final int NOBODY = 65534;

    @Test
    void anotherLocalUserWhoConnectsFirstGetsNothingAndTheClientGetsItsPackets(Lab lab) throws Exception {
        String ns = lab.netns("dport");
        Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002", "-t", "2100");
        lab.inNetns(ns, () -> {
            try (TestClient c = new TestClient("127.0.0.1", 2002)) {
                c.authNull();
                c.open("lo");
                byte[] f = TestClient.filter(BpfCodes.compile(c.linkType, 262144, "icmp[icmptype] == icmp-echo"));
                ByteBuffer b = ByteBuffer.allocate(12 + f.length);
                b.putInt(262144).putInt(500).putShort((short) Rpcap.FLAG_PROMISC).putShort((short) 0).put(f);
                TestClient.Message m = c.request(Rpcap.MSG_STARTCAP_REQ, b.array());
                assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, m.type(), m.text());
                for (SocketTable.Entry e : SocketTable.all()) {
                    if (e.listening() && e.local().getPort() == 2100) {
                        assertEquals(InetAddress.getByName("127.0.0.1"), e.local().getAddress(), "the data port listens on -b's address only");
                    }
                }
                Process attacker = lab.start(ns, "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                        "socat", "-u", "TCP:127.0.0.1:2100", "STDOUT");
                java.util.concurrent.atomic.AtomicLong stolen = new java.util.concurrent.atomic.AtomicLong();
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        stolen.addAndGet(attacker.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()));
                    } catch (java.io.IOException ended) {
                        // the attacker was stopped
                    }
                });
                awaitConnected(attacker, NOBODY, 2100);
                c.data = new Socket("127.0.0.1", 2100);
                c.data.setSoTimeout(10_000);
                lab.run(ns, "ping", "-c", "2", "-i", "0.2", "127.0.0.1");
                assertEquals(2, c.packets(2).size(), "the client gets its packets");
                assertTrue(attacker.waitFor(10, TimeUnit.SECONDS), "the other user's connection is still open");
                assertEquals(0, stolen.get(), "the other user got bytes of the capture");
            }
            return null;
        });
    }

    /**
     * Waits until {@code p}, running as {@code uid}, has connected to {@code port}: its connection
     * is up, or it has already been turned away (socat exits 0 on the peer's FIN, 1 if refused).
     */
    private static void awaitConnected(Process p, int uid, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                assertEquals(0, p.exitValue(), "the other user's connection was refused: it did not get there first");
                return;
            }
            for (SocketTable.Entry e : SocketTable.all()) {
                if (e.tcp() && e.uid() == uid && e.remote().getPort() == port && e.state() != SocketTable.TCP_SYN_SENT) {
                    return;
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        throw new AssertionError("uid " + uid + " did not connect to port " + port);
    }

    @Test
    void aCaptureNeverSeesAnotherSessionsPassword(Lab lab) throws Exception {
        String ns = lab.netns("own");
        Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002");
        lab.inNetns(ns, () -> {
            try (TestClient a = new TestClient("127.0.0.1", 2002); ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                a.authNull();
                a.open("lo");
                TestClient.Message m = a.startCapture("tcp", 262144, false);
                assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, m.type(), m.text());
                try (TestClient b = new TestClient("127.0.0.1", 2002)) {
                    b.authPassword("alice", "SECRET-PASSWORD-7");
                }
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), other.getLocalPort()); Socket t = other.accept()) {
                    OutputStream o = s.getOutputStream();
                    o.write("VISIBLE-MARKER".getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    t.getInputStream().readNBytes(14);
                }
                boolean seen = false;
                while (!seen) {
                    String p = new String(a.packets(1).getFirst().data(), StandardCharsets.ISO_8859_1);
                    assertFalse(p.contains("SECRET-PASSWORD-7"), "the capture saw another session's AUTH_REQ");
                    seen = p.contains("VISIBLE-MARKER");
                }
            }
            return null;
        });
    }

    @Test
    void aLinkLocalClientsCaptureDoesNotCarryItsOwnStream(Lab lab) throws Exception {
        String[] sc = lab.twoHosts("ll-srv", "ll-cli", "10.92.0");
        lab.run(sc[0], "ip", "addr", "add", "fe80::1/64", "dev", "veth-a", "nodad");
        lab.run(sc[1], "ip", "addr", "add", "fe80::2/64", "dev", "veth-b", "nodad");
        Daemon.start(lab, sc[0], "-n", "-p", "2002");
        int index = Integer.parseInt(lab.run(sc[1], "cat", "/sys/class/net/veth-b/ifindex").strip());
        lab.inNetns(sc[1], () -> {
            Socket control = new Socket();
            // The interface by index: the JDK reads interface names from /proc/net (the process's namespace, not this thread's).
            java.net.Inet6Address server = java.net.Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), index);
            control.connect(new java.net.InetSocketAddress(server, 2002));
            try (TestClient c = new TestClient(control)) {
                c.authNull();
                c.open("veth-a");
                TestClient.Message m = c.startCapture("tcp or icmp6", 262144, false);
                assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, m.type(), m.text());
                int dataPort = c.data.getPort();
                lab.run(sc[1], "ping", "-6", "-c", "5", "-i", "0.2", "fe80::1%veth-b");
                int echoes = 0;
                while (echoes < 5) {
                    byte[] d = c.packets(1).getFirst().data();
                    ByteBuffer f = ByteBuffer.wrap(d);
                    int next = d[14 + 6] & 0xff; // IPv6 next header after the Ethernet header
                    if (next == 6) {
                        int src = f.getShort(14 + 40) & 0xffff;
                        int dst = f.getShort(14 + 42) & 0xffff;
                        assertFalse(src == dataPort || dst == dataPort || src == 2002 || dst == 2002,
                                "the capture holds its own connection: port " + src + " > " + dst);
                    } else if (next == 58 && (d[14 + 40] & 0xff) == 128) {
                        echoes++;
                    }
                }
            }
            return null;
        });
    }
}
