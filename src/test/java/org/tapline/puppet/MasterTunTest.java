package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.link.PcapLink;
import org.tapline.os.PcapHandle;

/**
 * A puppet whose interface is PPP (link type 512) gets a TUN on the master, as with etherpuppet:
 * raw IP both ways, each packet behind the protocol word of its IP version. The puppet here is a
 * socket in the test speaking etherpuppet 0.4.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class MasterTunTest {
    private static final String TUN = "tl-tun0";

    @Test
    void aPppPuppetGetsATunCarryingRawIpBothWays(Lab lab) throws Exception {
        String ns = lab.netns("tun");
        Watched master = new Watched("master", lab.start(ns, PuppetLabTest.tapline("-m", "-s", "7777", "-I", TUN, "-u")));
        master.await("waiting for a connection");
        lab.inNetns(ns, () -> {
            try (Socket s = new Socket("127.0.0.1", 7777)) {
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(PuppetLabTest.WAIT_SECONDS));
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(PuppetWire.VERSION_04);
                out.writeShort(PuppetWire.ARPHRD_PPP);
                out.write(PuppetWire.confFinished());
                out.flush();
                master.await(TUN + " is up");
                assertTrue(master.text().contains("(PPP): making a TUN"), master.text());
                assertTrue(lab.run(ns, "ip", "link", "show", TUN).contains("link/none"), "a TUN, not a TAP");
                lab.run(ns, "ip", "addr", "add", "10.99.0.1/24", "dev", TUN);

                // The master's kernel to the puppet: a ping into the TUN arrives as 0x0800 + IPv4.
                lab.start(ns, "ping", "-c", "3", "-i", "0.2", "10.99.0.2");
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] packet = null;
                while (packet == null) {
                    int n = in.readUnsignedShort();
                    assertTrue(n >= 2 && n < 0x8000, "a frame message, not a command: " + n);
                    int proto = in.readUnsignedShort();
                    byte[] p = new byte[n - 2];
                    in.readFully(p);
                    if (proto == 0x0800 && p.length >= 20 && p[9] == 1) {
                        assertEquals(0x40, p[0] & 0xf0, "IPv4 behind 0x0800");
                        packet = p;
                    }
                }
                assertEquals("10.99.0.2", (packet[16] & 0xff) + "." + (packet[17] & 0xff) + "." + (packet[18] & 0xff) + "." + (packet[19] & 0xff));

                // The puppet to the master's kernel: a packet with its protocol word comes out of the TUN whole.
                try (PcapLink tun = PcapLink.open(TUN, PcapHandle.Options.defaults().withImmediate(true))) {
                    tun.setFilter("udp port 9");
                    byte[] udp = udpPacket();
                    out.writeShort(udp.length + 2);
                    out.writeShort(0x0800);
                    out.write(udp);
                    out.flush();
                    byte[][] seen = {null};
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PuppetLabTest.WAIT_SECONDS);
                    while (seen[0] == null && System.nanoTime() < deadline) {
                        tun.receive((lt, ts, len, d) -> seen[0] = d.toArray(ValueLayout.JAVA_BYTE), 16, 200);
                    }
                    assertTrue(seen[0] != null, "the packet came out of the TUN");
                    assertEquals(java.util.HexFormat.of().formatHex(udp), java.util.HexFormat.of().formatHex(seen[0]));
                }
            }
            return null;
        });
        // The puppet hung up without tapline mode: the master ends ("connection lost") and its TUN goes.
        assertEquals(3, master.exit(), master.text());
        assertTrue(!lab.run(ns, "ip", "-o", "link").contains(TUN), "the TUN is gone");
    }

    /** IPv4/UDP 10.99.0.2:9 -> 10.99.0.1:9, "tapline", with a correct header checksum. */
    private static byte[] udpPacket() {
        byte[] data = "tapline".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(28 + data.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + data.length)).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 99, 0, 2}).put(new byte[] {10, 99, 0, 1});
        b.putShort((short) 9).putShort((short) 9).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        byte[] p = b.array();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        p[10] = (byte) (~sum >> 8);
        p[11] = (byte) ~sum;
        return p;
    }
}
