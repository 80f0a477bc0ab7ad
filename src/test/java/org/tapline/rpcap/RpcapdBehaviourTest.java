package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.os.BpfCodes;

/** Capture-time behaviour on the daemon's own loopback, where docs/RPCAP.md says we differ or must match. */
@ExtendWith(LabExtension.class)
class RpcapdBehaviourTest {

    private static String daemon(Lab lab, String role) throws Exception {
        String ns = lab.netns(role);
        Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002");
        return ns;
    }

    @Test
    void startCaptureWithoutAFilterFromALibpcapClientStillStarts(Lab lab) throws Exception {
        String ns = daemon(lab, "nofilter");
        lab.inNetns(ns, () -> {
            try (TestClient c = new TestClient("127.0.0.1", 2002)) {
                c.authNull();
                c.open("lo");
                // s10: plen counted for zero instructions, then the one RET instruction (libpcap PR #1577).
                c.control.getOutputStream().write(HexFormat.of().parseHex(
                        "000400000000001400040000000001f4000100000001000000000001" + "0006000000040000"));
                TestClient.Message m = TestClient.read(new java.io.DataInputStream(c.controlInput()));
                assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, m.type(), m.text());
                c.data = new java.net.Socket("127.0.0.1", ByteBuffer.wrap(m.payload()).getShort(4) & 0xffff);
                assertEquals(Rpcap.MSG_STATS_REQ | Rpcap.REPLY, c.request(Rpcap.MSG_STATS_REQ, new byte[0]).type(), "still in sync");
            }
            return null;
        });
    }

    @Test
    void samplingStatsAfterEndcapAndFilterUpdates(Lab lab) throws Exception {
        String ns = daemon(lab, "samp");
        lab.inNetns(ns, () -> {
            try (TestClient c = new TestClient("127.0.0.1", 2002)) {
                c.authNull();
                c.open("lo");
                ByteBuffer every3 = ByteBuffer.allocate(8).put((byte) Rpcap.SAMP_1_EVERY_N).put((byte) 0).putShort((short) 0).putInt(3);
                assertEquals(Rpcap.MSG_SETSAMPLING_REQ | Rpcap.REPLY, c.request(Rpcap.MSG_SETSAMPLING_REQ, every3.array()).type());
                c.startCapture("icmp[icmptype] == icmp-echo", 262144, false);
                lab.run(ns, "ping", "-c", "9", "-i", "0.05", "127.0.0.1");
                List<TestClient.Pkt> p = c.packets(3);
                // ping's sequence numbers sit at Ethernet 14 + IP 20 + 6: every third one passes.
                assertEquals(List.of(1, 4, 7), p.stream().map(x -> ((x.data()[40] & 0xff) << 8) | (x.data()[41] & 0xff)).toList());

                // UPDATEFILTER: from now on echo replies only.
                byte[] replies = TestClient.filter(BpfCodes.compile(1, 262144, "icmp[icmptype] == icmp-echoreply"));
                assertEquals(Rpcap.MSG_UPDATEFILTER_REQ | Rpcap.REPLY, c.request(Rpcap.MSG_UPDATEFILTER_REQ, replies).type());
                assertEquals(Rpcap.MSG_SETSAMPLING_REQ | Rpcap.REPLY,
                        c.request(Rpcap.MSG_SETSAMPLING_REQ, new byte[8]).type(), "sampling off");
                lab.run(ns, "ping", "-c", "1", "127.0.0.1");
                assertEquals(0, c.packets(1).getFirst().data()[34], "an echo reply");

                TestClient.Message live = c.request(Rpcap.MSG_STATS_REQ, new byte[0]);
                assertEquals(Rpcap.MSG_ENDCAP_REQ | Rpcap.REPLY, c.request(Rpcap.MSG_ENDCAP_REQ, new byte[0]).type());
                TestClient.Message after = c.request(Rpcap.MSG_STATS_REQ, new byte[0]);
                // The reference answers zeros here (Q2); we keep the capture's last figures.
                assertEquals(4, ByteBuffer.wrap(after.payload()).getInt(12));
                assertTrue(ByteBuffer.wrap(after.payload()).getInt(0) >= ByteBuffer.wrap(live.payload()).getInt(0));
            }
            return null;
        });
    }

    @Test
    void oneSessionsBadInputLeavesAnotherCapturing(Lab lab) throws Exception {
        String ns = daemon(lab, "iso");
        lab.inNetns(ns, () -> {
            try (TestClient good = new TestClient("127.0.0.1", 2002)) {
                good.authNull();
                good.open("lo");
                good.startCapture("icmp[icmptype] == icmp-echo", 262144, false);
                for (String bad : List.of("ffffffffffffffff", "0008000000000004", "00057fff00000008000100000000ffff")) {
                    try (TestClient evil = new TestClient("127.0.0.1", 2002)) {
                        evil.control.getOutputStream().write(HexFormat.of().parseHex(bad));
                    }
                }
                try (TestClient evil = new TestClient("127.0.0.1", 2002)) {
                    evil.authNull();
                    for (int i = 0; i < 2000; i++) {
                        // CVE-2026-18313 leaked each filter; these are refused and must not pile up.
                        evil.send(Rpcap.MSG_UPDATEFILTER_REQ, TestClient.filter(BpfCodes.compile(1, 262144, "tcp")));
                    }
                    for (int i = 0; i < 2000; i++) {
                        assertEquals(Rpcap.ERR_UPDATEFILTER, TestClient.read(new java.io.DataInputStream(evil.controlInput())).value());
                    }
                }
                lab.run(ns, "ping", "-c", "2", "-i", "0.1", "127.0.0.1");
                assertEquals(2, good.packets(2).size());
            }
            return null;
        });
    }

    @Test
    void saveWritesTheSettingsAsAConfigFile(Lab lab, @TempDir Path dir) throws Exception {
        Path saved = dir.resolve("saved.conf");
        String ns = lab.netns("save");
        Daemon.start(lab, ns, "-n", "-l", "127.0.0.2;127.0.0.3 localhost", "-a", "127.0.0.1,2999,127.0.0.5", "-s", saved.toString(),
                "-b", "127.0.0.1", "-p", "2002");
        String text = Files.readString(saved);
        assertTrue(text.contains("PassiveClient = 127.0.0.3\n") && text.contains("ActiveClient = 127.0.0.5, 2003\n")
                && text.contains("NullAuthPermit = YES\n"), text);
    }
}
