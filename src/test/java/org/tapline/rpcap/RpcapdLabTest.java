package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * Our daemon in one namespace with traffic on a veth there; the client in another namespace,
 * reaching the daemon over a second veth. The client gets exactly the packets its filter passes.
 */
@ExtendWith(LabExtension.class)
class RpcapdLabTest {
    /** daemon ns "srv" (10.90.0.1 towards the client, veth-t towards the traffic host "lan"), client ns "cli". */
    static String[] topology(Lab lab) throws Exception {
        String[] sc = lab.twoHosts("srv", "cli", "10.90.0");
        String lan = lab.netns("lan");
        lab.veth(sc[0], "veth-t", lan, "veth-l");
        lab.address(sc[0], "veth-t", "10.91.0.1/24");
        lab.address(lan, "veth-l", "10.91.0.2/24");
        return new String[] {sc[0], sc[1], lan};
    }

    @Test
    void capturesExactlyWhatTheFilterPassesOverTcpAndUdp(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Daemon.start(lab, ns[0], "-n", "-b", "10.90.0.1", "-p", "2002");
        for (boolean udp : new boolean[] {false, true}) {
            List<TestClient.Pkt> got = lab.inNetns(ns[1], () -> {
                try (TestClient c = new TestClient("10.90.0.1", 2002)) {
                    assertEquals(Rpcap.MSG_AUTH_REQ | Rpcap.REPLY, c.authNull().type());
                    assertEquals(Rpcap.MSG_OPEN_REQ | Rpcap.REPLY, c.open("veth-t").type());
                    assertEquals(1, c.linkType);
                    TestClient.Message m = c.startCapture("icmp[icmptype] == icmp-echo", 262144, udp);
                    assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, m.type(), m.text());
                    lab.run(ns[2], "ping", "-c", "4", "-i", "0.2", "-s", "100", "10.91.0.1");
                    List<TestClient.Pkt> p = c.packets(4);
                    TestClient.Message stats = c.request(Rpcap.MSG_STATS_REQ, new byte[0]);
                    assertEquals(4, ByteBuffer.wrap(stats.payload()).getInt(12), "svrcapt");
                    return p;
                }
            });
            long now = System.currentTimeMillis() / 1000;
            for (int i = 0; i < 4; i++) {
                TestClient.Pkt p = got.get(i);
                assertEquals(i + 1, p.npkt());
                assertEquals(14 + 20 + 8 + 100, p.caplen());
                assertEquals(p.caplen(), p.len());
                assertEquals(8, p.data()[34] & 0xff, "an echo request, never a reply");
                assertTrue(Math.abs(p.sec() - now) < 30, "timestamp " + p.sec());
            }
        }
    }

    @Test
    void nullAuthIsRefusedWithoutMinusNAndOthersAreNotAllowedIn(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Daemon.start(lab, ns[0], "-b", "10.90.0.1", "-p", "2002", "-l", "10.90.0.99");
        lab.inNetns(ns[1], () -> {
            try (TestClient c = new TestClient("10.90.0.1", 2002)) {
                TestClient.Message m = c.authNull();
                assertEquals(Rpcap.MSG_ERROR, m.type());
                assertEquals(Rpcap.ERR_HOSTNOAUTH, m.value(), m.text());
                assertEquals("The host is not in the allowed host list. Connection refused.", m.text());
            }
            return null;
        });
    }

    @Test
    void aVanishingDeviceEndsTheCaptureWithAnUnsolicitedError(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Daemon.start(lab, ns[0], "-n", "-b", "10.90.0.1", "-p", "2002", "-t", "2100");
        lab.inNetns(ns[1], () -> {
            try (TestClient c = new TestClient("10.90.0.1", 2002)) {
                c.authNull();
                c.open("veth-t");
                TestClient.Message m = c.startCapture("icmp", 262144, false);
                assertEquals(2100, ByteBuffer.wrap(m.payload()).getShort(4) & 0xffff, "-t fixes the data port");
                lab.run(ns[0], "ip", "link", "delete", "veth-t");
                TestClient.Message err = TestClient.read(new java.io.DataInputStream(c.controlInput()));
                assertEquals(Rpcap.MSG_ERROR, err.type());
                assertEquals(Rpcap.ERR_READEX, err.value(), err.text());
                assertTrue(err.text().startsWith("Error reading the packets: "), err.text());
                assertEquals(Rpcap.MSG_FINDALLIF_REQ | Rpcap.REPLY, c.request(Rpcap.MSG_FINDALLIF_REQ, new byte[0]).type(),
                        "the session goes on");
            }
            return null;
        });
    }

    @Test
    void jumboPacketsKeepTheirTrueLength(Lab lab) throws Exception {
        String srv = lab.netns("jumbo");
        Daemon.start(lab, srv, "-n", "-b", "127.0.0.1", "-p", "2002");
        TestClient.Pkt p = lab.inNetns(srv, () -> {
            try (TestClient c = new TestClient("127.0.0.1", 2002)) {
                c.authNull();
                c.open("lo");
                c.startCapture("icmp[icmptype] == icmp-echo", 262144, false);
                lab.run(srv, "ping", "-c", "1", "-s", "65000", "127.0.0.1");
                return c.packets(1).getFirst();
            }
        });
        // The reference would cut plen to 16 bits here (Q1); the client above checks caplen == plen - 20.
        assertEquals(14 + 20 + 8 + 65000, p.caplen());
    }
}
