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

    /** A reader fed {@code hex}, in the v0.3 layout. */
    private static PuppetReader reader(String hex) {
        return reader(HexFormat.of().parseHex(hex));
    }

    private static PuppetReader reader(byte[] bytes) {
        PuppetReader r = new PuppetReader(new ByteArrayInputStream(bytes));
        r.version(PuppetWire.VERSION_03);
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void helloIsAGetFlagsRequestNamedTapline() throws Exception {
        for (int v : new int[] {PuppetWire.VERSION_03, PuppetWire.VERSION_04}) {
            byte[] hello = PuppetWire.hello(v);
            assertEquals(2 + 4 + PuppetWire.requestSize(v), hello.length);
            PuppetReader r = new PuppetReader(new ByteArrayInputStream(hello));
            r.version(v);
            assertEquals(PuppetReader.Kind.HELLO, r.next(), PuppetWire.versionText(v));
            assertEquals(PuppetWire.SIOCGIFFLAGS, r.ifreq().request());
            assertEquals(null, r.next());
        }
        // v0.4 layout, byte for byte: command, SIOCGIFFLAGS big-endian, "tapline/1" NUL-padded to 16, zeros.
        assertEquals("8001" + "00008913" + "7461706c696e652f31" + "00".repeat(7) + "00".repeat(16),
                HexFormat.of().formatHex(PuppetWire.hello(PuppetWire.VERSION_04)));
        // The same get-flags request for another name, or a longer one, is an ordinary request.
        byte[] other = PuppetWire.hello(PuppetWire.VERSION_03);
        other[6 + 9] = '0';
        assertEquals(PuppetReader.Kind.IFREQ, reader(other).next());
        byte[] mtu = PuppetWire.ifreqMtu(PuppetWire.VERSION_03, "tapline/1", 1500);
        assertEquals(PuppetReader.Kind.IFREQ, reader(mtu).next(), "SIOCSIFMTU named tapline/1 is no hello");
    }

    @Test
    void ackSwitchesTheReaderToRecords() throws Exception {
        // ACK, then a 3-byte frame record, a BYE record: no protocol word, no 2-byte length any more.
        PuppetReader r = reader("8074" + "00000003" + "aabbcc" + "82000000");
        assertEquals(PuppetReader.Kind.ACK, r.next());
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(3, r.frameLength());
        assertArrayEquals(HexFormat.of().parseHex("aabbcc"), r.frame().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertEquals(PuppetReader.Kind.BYE, r.next());
        assertEquals(null, r.next());
        assertArrayEquals(HexFormat.of().parseHex("82000000"), PuppetWire.record(PuppetWire.REC_BYE, new byte[0]));
    }

    @Test
    void upgradeSwitchesTheReaderToRecordsAndWholeFramesPass() throws Exception {
        byte[] big = new byte[9000];
        new Random(3).nextBytes(big);
        PuppetReader r = reader(concat(PuppetWire.command(PuppetWire.CMD_UPGRADE), HexFormat.of().parseHex("00002328"), big));
        assertEquals(PuppetReader.Kind.UPGRADE, r.next());
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(9000, r.frameLength(), "a jumbo frame goes whole, past etherpuppet's 1600 bytes");
        assertArrayEquals(big, r.frame().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        // Before the switch the same word is an etherpuppet frame length: 0x0000 is too short.
        assertThrows(PuppetProtocolException.class, () -> reader("00002328").next());
    }

    @Test
    void theLargestRecordPassesAndOneByteMoreIsAProtocolError() throws Exception {
        int max = PuppetWire.MAX_RECORD;
        byte[] word = java.nio.ByteBuffer.allocate(4).putInt(max).array();
        PuppetReader ok = reader(concat(PuppetWire.command(PuppetWire.CMD_ACK), word, new byte[max]));
        assertEquals(PuppetReader.Kind.ACK, ok.next());
        assertEquals(PuppetReader.Kind.FRAME, ok.next());
        assertEquals(max, ok.frameLength());
        byte[] over = java.nio.ByteBuffer.allocate(4).putInt(max + 1).array();
        PuppetReader r = reader(concat(PuppetWire.command(PuppetWire.CMD_ACK), over));
        r.next();
        PuppetProtocolException e = assertThrows(PuppetProtocolException.class, r::next);
        assertTrue(e.getMessage().contains(String.valueOf(max + 1)), e.getMessage());
        // The largest length the word holds, before a single payload byte: refused, nothing allocated or read.
        PuppetReader huge = reader("8074" + "00ffffff");
        huge.next();
        assertThrows(PuppetProtocolException.class, huge::next);
        // A command record has a smaller bound.
        PuppetReader cmd = reader("8074" + "81001001");
        cmd.next();
        assertThrows(PuppetProtocolException.class, cmd::next);
    }

    @Test
    void reservedBitsAndUnknownCommandRecordsAreProtocolErrors() throws Exception {
        for (String word : new String[] {"01000001", "40000001", "7f000001"}) {
            PuppetReader r = reader("8074" + word + "00");
            r.next();
            PuppetProtocolException e = assertThrows(PuppetProtocolException.class, r::next, word);
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
        PuppetReader unknown = reader("8074" + "85000000");
        unknown.next();
        assertTrue(assertThrows(PuppetProtocolException.class, unknown::next).getMessage().contains("unknown command record 5"));
    }

    @Test
    void ipv6AddressRecords() throws Exception {
        byte[] fd60 = HexFormat.of().parseHex("fd600000000000000000000000000001");
        byte[] rec = PuppetWire.record(PuppetWire.REC_IPV6, PuppetWire.ipv6(fd60, 64));
        assertEquals("81000011" + "fd600000000000000000000000000001" + "40", HexFormat.of().formatHex(rec));
        PuppetReader r = reader(concat(PuppetWire.command(PuppetWire.CMD_ACK), rec));
        r.next();
        assertEquals(PuppetReader.Kind.IPV6, r.next());
        assertArrayEquals(fd60, java.util.Arrays.copyOf(r.payload(), 16));
        assertEquals(64, r.payload()[16]);
        assertEquals(null, r.next());
        // A prefix longer than 128 bits, or a payload of the wrong size, is refused.
        for (String bad : new String[] {"81000011" + "00".repeat(16) + "81", "81000010" + "00".repeat(16),
                "81000012" + "00".repeat(18)}) {
            PuppetReader b = reader("8074" + bad);
            b.next();
            assertThrows(PuppetProtocolException.class, b::next, bad);
        }
    }

    @Test
    void garbageInRecordModeEndsInAnIOExceptionOnly() {
        Random rnd = new Random(11);
        // Each reader holds a 256 KiB frame buffer: 2,000 streams of up to 200 bytes keep this quick.
        for (int i = 0; i < 2_000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            if (rnd.nextInt(4) == 0 && b.length >= 4) {
                b[0] = 0; // a plausible frame length now and then, so that some records get through
                b[1] = 0;
            }
            byte[] in = concat(PuppetWire.command(rnd.nextBoolean() ? PuppetWire.CMD_ACK : PuppetWire.CMD_UPGRADE), b);
            PuppetReader p = reader(in);
            try {
                PuppetReader.Kind k;
                while ((k = p.next()) != null) {
                    if (k == PuppetReader.Kind.FRAME) {
                        assertTrue(p.frameLength() >= 0 && p.frameLength() <= PuppetWire.MAX_RECORD);
                    }
                }
            } catch (IOException expected) {
                // garbage ends in a clear IOException (protocol error or early end), never anything else
            }
        }
    }
}
