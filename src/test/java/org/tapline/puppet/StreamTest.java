package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** What the sending half writes: etherpuppet messages, then tapline records, read back by the reader. */
class StreamTest {
    private static MemorySegment ethernet(int size, int ethertype) {
        byte[] f = new byte[size];
        f[12] = (byte) (ethertype >> 8);
        f[13] = (byte) ethertype;
        f[size - 1] = 0x5a;
        return MemorySegment.ofArray(f);
    }

    @Test
    void etherpuppetFramingCutsAtItsLimitAndCountsIt() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Counters c = new Counters();
        Stream s = new Stream(wire, c);
        s.frame(1, ethernet(60, 0x0806));
        s.frame(1, ethernet(9014, 0x0800));
        s.flush();
        byte[] b = wire.toByteArray();
        assertEquals("003e0806", HexFormat.of().formatHex(b, 0, 4), "length counts the protocol word");
        assertEquals(4 + 60 + 4 + 1598, b.length);
        assertEquals(1, c.cut.get());
        assertEquals(2, c.sentFrames());
        PuppetReader r = new PuppetReader(new ByteArrayInputStream(b));
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(60, r.frameLength());
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(1598, r.frameLength());
    }

    @Test
    void afterTheUpgradeFramesGoWholeInRecords() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Counters c = new Counters();
        Stream s = new Stream(wire, c);
        s.frame(1, ethernet(100, 0x0800));
        s.upgrade(PuppetWire.command(PuppetWire.CMD_UPGRADE));
        s.frame(1, ethernet(9014, 0x0800));
        s.write(PuppetWire.record(PuppetWire.REC_IPV6, PuppetWire.ipv6(new byte[16], 64)));
        s.bye();
        PuppetReader r = new PuppetReader(new ByteArrayInputStream(wire.toByteArray()));
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(100, r.frameLength());
        assertEquals(PuppetReader.Kind.UPGRADE, r.next());
        assertEquals(PuppetReader.Kind.FRAME, r.next());
        assertEquals(9014, r.frameLength());
        assertEquals(0x5a, r.frame().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 9013));
        assertEquals(PuppetReader.Kind.IPV6, r.next());
        assertEquals(64, r.payload()[16]);
        assertEquals(PuppetReader.Kind.BYE, r.next());
        assertEquals(null, r.next());
        assertEquals(0, c.cut.get());
    }

    @Test
    void rawIpFromATunGetsItsVersionsProtocolWord() {
        assertEquals(0x0800, Stream.protocol(101, MemorySegment.ofArray(new byte[] {0x45, 0, 0, 20})));
        assertEquals(0x86dd, Stream.protocol(101, MemorySegment.ofArray(new byte[] {0x60, 0, 0, 0})));
        assertEquals(0x86dd, Stream.protocol(12, MemorySegment.ofArray(new byte[] {0x60, 0, 0, 0})), "libpcap's DLT_RAW");
        assertEquals(0x86dd, Stream.protocol(1, ethernet(60, 0x86dd)));
    }
}
