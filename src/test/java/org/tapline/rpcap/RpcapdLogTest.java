package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * The daemon's session log, as sshd keeps one: a line per session start and end (peer, user,
 * devices, packets), per failed login and per refused connection, without -D's debug lines
 * being needed, and addresses written as people write them.
 */
@ExtendWith(LabExtension.class)
class RpcapdLogTest {

    private static Socket from(String local, String server) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName(server), 2002));
        return s;
    }

    @Test
    void sessionsLoginsAndRefusalsAreLoggedOneLineEach(Lab lab, @TempDir Path dir) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, CredentialsFile.line("alice", "wonder land".getBytes()) + "\n");
        String ns = lab.netns("slog");
        Daemon d = Daemon.start(lab, ns, "-n", "--credentials", users.toString(), "-b", "127.0.0.1", "-p", "2002", "-l", "127.0.0.1");
        assertEquals("rpcapd: listening on 127.0.0.1:2002", d.await("listening on"));
        lab.inNetns(ns, () -> {
            Socket s = from("127.0.0.1", "127.0.0.1");
            String peer = "127.0.0.1:" + s.getLocalPort();
            long sent;
            try (TestClient c = new TestClient(s)) {
                assertEquals(Rpcap.ERR_AUTH_FAILED, c.authPassword("alice", "wrong").value());
                assertEquals("rpcapd: login failed: " + peer + ", user alice, wrong password or unknown user", d.await("login failed"));
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authPassword("alice", "wonder land").type());
                assertEquals("rpcapd: session start: " + peer + ", user alice", d.await("session start: " + peer));
                assertEquals(Rpcap.MSG_OPEN_REQ | Rpcap.REPLY, c.open("lo").type());
                TestClient.Message m = c.startCapture("icmp[icmptype] == icmp-echo", 262144, false);
                assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, m.type(), m.text());
                lab.run(ns, "ping", "-c", "3", "-i", "0.2", "127.0.0.1");
                c.packets(3);
                sent = ByteBuffer.wrap(c.request(Rpcap.MSG_STATS_REQ, new byte[0]).payload()).getInt(12);
            }
            assertEquals("rpcapd: session end: " + peer + ", user alice, device lo, " + sent + " packets sent", d.await("session end: " + peer));

            Socket n = from("127.0.0.1", "127.0.0.1");
            String nullPeer = "127.0.0.1:" + n.getLocalPort();
            try (TestClient c = new TestClient(n)) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
                assertEquals("rpcapd: session start: " + nullPeer + ", null authentication", d.await("session start: " + nullPeer));
            }
            assertEquals("rpcapd: session end: " + nullPeer + ", null authentication, no capture, 0 packets sent",
                    d.await("session end: " + nullPeer));

            Socket stranger = from("127.0.0.2", "127.0.0.1");
            String strangerPeer = "127.0.0.2:" + stranger.getLocalPort();
            try (TestClient c = new TestClient(stranger)) {
                assertEquals(Rpcap.ERR_HOSTNOAUTH, c.authNull().value());
            }
            assertEquals("rpcapd: connection refused: " + strangerPeer + ", not in the allowed host list", d.await("connection refused"));
            return null;
        });
    }

    @Test
    void ipv6AddressesAreWrittenInBracketsNeverInJavasForm(Lab lab) throws Exception {
        String ns = lab.netns("slog6");
        Daemon d = Daemon.start(lab, ns, "-n", "-p", "2002");
        assertEquals("rpcapd: listening on [::]:2002", d.await("listening on"));
        lab.inNetns(ns, () -> {
            for (String client : new String[] {"::1", "127.0.0.1"}) {
                Socket s = from(client, client);
                String peer = (client.contains(":") ? "[" + client + "]" : client) + ":" + s.getLocalPort();
                try (TestClient c = new TestClient(s)) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
                    assertEquals("rpcapd: session start: " + peer + ", null authentication", d.await("session start: " + peer));
                }
            }
            return null;
        });
        assertEquals(0, d.log.stream().filter(l -> l.contains("/0") || l.contains("0:0:0:0") || l.contains("/127.") || l.contains("/0:"))
                .count(), d.log.toString());
    }

    @Test
    void aLinkLocalPeerIsWrittenWithItsInterfaceName(Lab lab) throws Exception {
        String[] ns = lab.twoHosts("zone", "zone2", "10.94.0");
        lab.run(ns[0], "ip", "addr", "add", "fe80::1/64", "dev", "veth-a", "nodad");
        lab.run(ns[1], "ip", "addr", "add", "fe80::2/64", "dev", "veth-b", "nodad");
        int clientIndex = Integer.parseInt(lab.run(ns[1], "cat", "/sys/class/net/veth-b/ifindex").strip());
        Daemon d = Daemon.start(lab, ns[0], "-n", "-p", "2002");
        lab.inNetns(ns[1], () -> {
            byte[] fe80 = new byte[16];
            fe80[0] = (byte) 0xfe;
            fe80[1] = (byte) 0x80;
            fe80[15] = 2;
            byte[] server = fe80.clone();
            server[15] = 1;
            Socket s = new Socket();
            s.bind(new InetSocketAddress(java.net.Inet6Address.getByAddress(null, fe80, clientIndex), 0));
            s.connect(new InetSocketAddress(java.net.Inet6Address.getByAddress(null, server, clientIndex), 2002));
            String peer = "[fe80::2%veth-a]:" + s.getLocalPort();
            try (TestClient c = new TestClient(s)) {
                assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
                assertEquals("rpcapd: session start: " + peer + ", null authentication", d.await("session start: "));
            }
            return null;
        });
    }
}
