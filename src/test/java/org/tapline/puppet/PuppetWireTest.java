package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The codec against bytes Debian's etherpuppet 0.3 sent (recorded with tcpdump on a veth). */
class PuppetWireTest {
    /** etherpuppet 0.3 puppet on veth-g: version, link type, then SIOCSIFHWADDR and SIOCSIFMTU requests. */
    static final String RECORDED = "13370103" + "0001"
            + "800124890000766574682d67000000000000000000000100aee6278b91f500000000000000000000000000000000"
            + "800122890000766574682d6700000000000000000000dc0500000000000000000000000000000000000000000000";

    @Test
    void ourV03RequestsAreTheReferenceBytes() {
        byte[] rec = HexFormat.of().parseHex(RECORDED);
        byte[] mac = HexFormat.of().parseHex("aee6278b91f5");
        byte[] hw = PuppetWire.ifreqAddress(PuppetWire.VERSION_03, PuppetWire.SIOCSIFHWADDR, "veth-g", PuppetWire.ARPHRD_ETHER, mac);
        byte[] mtu = PuppetWire.ifreqMtu(PuppetWire.VERSION_03, "veth-g", 1500);
        assertArrayEquals(java.util.Arrays.copyOfRange(rec, 6, 6 + 46), hw);
        assertArrayEquals(java.util.Arrays.copyOfRange(rec, 52, 52 + 46), mtu);
    }

    @Test
    void readerParsesTheRecordedStream() throws Exception {
        PuppetReader r = new PuppetReader(new ByteArrayInputStream(HexFormat.of().parseHex(RECORDED)));
        assertEquals(PuppetWire.VERSION_03, r.readVersion());
        r.version(PuppetWire.VERSION_03);
        assertEquals(1, r.readLinkType());
        assertEquals(PuppetReader.Kind.IFREQ, r.next());
        assertEquals(PuppetWire.SIOCSIFHWADDR, r.ifreq().request());
        assertEquals(1, r.ifreq().family());
        assertArrayEquals(HexFormat.of().parseHex("aee6278b91f5"), java.util.Arrays.copyOf(r.ifreq().data(), 6));
        assertEquals(PuppetReader.Kind.IFREQ, r.next());
        assertEquals(1500, r.ifreq().mtu());
        assertEquals(null, r.next());
    }

    @Test
    void v04RequestsAreBigEndianNetifreqs() throws Exception {
        byte[] m = PuppetWire.ifreqMtu(PuppetWire.VERSION_04, "eth0", 9000);
        assertEquals(2 + 4 + 32, m.length);
        assertEquals("80010000892265746830", HexFormat.of().formatHex(m, 0, 10));
        PuppetReader r = new PuppetReader(new ByteArrayInputStream(m));
        r.version(PuppetWire.VERSION_04);
        assertEquals(PuppetReader.Kind.IFREQ, r.next());
        assertEquals(9000, r.ifreq().mtu());
    }

    @Test
    void framesAndBadInput() throws Exception {
        PuppetReader r = new PuppetReader(new ByteArrayInputStream(HexFormat.of().parseHex("0005" + "0800" + "aabbcc")));
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(3, r.frameLength());
        assertTrue(assertThrows(IOException.class, () -> new PuppetReader(new ByteArrayInputStream(HexFormat.of().parseHex("8007"))).next())
                .getMessage().contains("unknown command 0x8007"));
        assertThrows(IOException.class, () -> new PuppetReader(new ByteArrayInputStream(HexFormat.of().parseHex("0001ff"))).next());
        assertThrows(java.io.EOFException.class, () -> new PuppetReader(new ByteArrayInputStream(HexFormat.of().parseHex("7fff00"))).next());
        Random rnd = new Random(5);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[rnd.nextInt(80)];
            rnd.nextBytes(b);
            PuppetReader p = new PuppetReader(new ByteArrayInputStream(b));
            p.version(rnd.nextBoolean() ? PuppetWire.VERSION_03 : PuppetWire.VERSION_04);
            try {
                while (p.next() != null) {
                    assertTrue(p.frameLength() <= PuppetWire.MAX_FRAME);
                }
            } catch (IOException expected) {
                // garbage ends in a clear IOException, never anything else
            }
        }
    }
}
