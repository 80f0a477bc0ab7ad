package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * OFFLOADED records a master may send: what its TAP hands over passes; each header field set
 * to what no TAP writes (a GSO type the puppet's kernel would segment as UDP, a checksum written
 * into the Ethernet header or past the frame...) is refused before the kernel sees it.
 */
class OffloadCheckTest {
    private static final int FRAME = 14 + 20 + 20 + 3000;

    /** A TCPv4 super-frame as a TAP hands it over: NEEDS_CSUM, TCPv4, MSS 1448, checksum at 34+16. */
    private static ByteBuffer tcp4() {
        ByteBuffer b = ByteBuffer.allocate(PuppetWire.VNET_HDR + FRAME).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) OffloadCheck.F_NEEDS_CSUM).put(1, (byte) OffloadCheck.GSO_TCPV4)
                .putShort(2, (short) 54).putShort(4, (short) 1448).putShort(6, (short) 34).putShort(8, (short) 16);
        int f = PuppetWire.VNET_HDR;
        b.order(ByteOrder.BIG_ENDIAN).putShort(f + 12, (short) 0x0800);
        b.put(f + 14, (byte) 0x45).put(f + 14 + 9, (byte) 6);
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String problem(Consumer<ByteBuffer> change) {
        ByteBuffer b = tcp4();
        change.accept(b);
        return OffloadCheck.problem(MemorySegment.ofArray(b.array()));
    }

    private static void refused(String why, Consumer<ByteBuffer> change) {
        String p = problem(change);
        assertNotNull(p, why + " passed");
        assertTrue(p.startsWith("a"), p);
    }

    @Test
    void whatATapHandsOverPasses() {
        assertNull(problem(b -> {}));
        assertNull(problem(b -> b.put(1, (byte) (OffloadCheck.GSO_TCPV4 | OffloadCheck.GSO_ECN))));
        // A lone frame whose checksum is to be completed (no GSO), and one the TAP marks valid.
        assertNull(problem(b -> b.put(1, (byte) 0).putShort(2, (short) 0).putShort(4, (short) 0)));
        assertNull(problem(b -> b.put(0, (byte) OffloadCheck.F_DATA_VALID).put(1, (byte) 0).putShort(2, (short) 0)
                .putShort(4, (short) 0).putShort(6, (short) 0).putShort(8, (short) 0)));
    }

    @Test
    void aTcp6SuperFrameWithAVlanTagPasses() {
        ByteBuffer b = ByteBuffer.allocate(PuppetWire.VNET_HDR + 18 + 40 + 20 + 2000);
        int f = PuppetWire.VNET_HDR;
        b.putShort(f + 12, (short) 0x8100).putShort(f + 16, (short) 0x86dd).put(f + 18, (byte) 0x60);
        b.order(ByteOrder.LITTLE_ENDIAN).put(0, (byte) 1).put(1, (byte) OffloadCheck.GSO_TCPV6)
                .putShort(2, (short) 78).putShort(4, (short) 1428).putShort(6, (short) 58).putShort(8, (short) 16);
        assertNull(OffloadCheck.problem(MemorySegment.ofArray(b.array())));
        b.putShort(6, (short) 50); // inside the IPv6 header
        assertNotNull(OffloadCheck.problem(MemorySegment.ofArray(b.array())));
    }

    @Test
    void badFlagsAreRefused() {
        refused("RSC_INFO", b -> b.put(0, (byte) 5));
        refused("an unknown flag", b -> b.put(0, (byte) 0x81));
    }

    @Test
    void badGsoTypesAreRefused() {
        refused("UDP (UFO)", b -> b.put(1, (byte) 3));
        refused("UDP_L4", b -> b.put(1, (byte) 5));
        refused("an unknown type", b -> b.put(1, (byte) 0x42));
        refused("ECN without a type", b -> b.put(1, (byte) OffloadCheck.GSO_ECN));
        refused("TCPv6 over IPv4", b -> b.put(1, (byte) OffloadCheck.GSO_TCPV6));
        refused("GSO without a checksum to complete", b -> b.put(0, (byte) 0));
    }

    @Test
    void badGsoSizesAreRefused() {
        refused("GSO size 0", b -> b.putShort(4, (short) 0));
        refused("GSO size past the frame", b -> b.putShort(4, (short) (FRAME + 1)));
    }

    @Test
    void aHeaderLengthPastTheFrameIsRefused() {
        refused("hdr_len past the frame", b -> b.putShort(2, (short) (FRAME + 1)));
        assertNull(problem(b -> b.putShort(2, (short) FRAME)));
    }

    @Test
    void badChecksumPositionsAreRefused() {
        refused("checksum in the Ethernet header", b -> b.putShort(6, (short) 0).putShort(8, (short) 12));
        refused("checksum in the IP header", b -> b.putShort(6, (short) 14).putShort(8, (short) 10));
        refused("checksum start past the frame", b -> b.putShort(6, (short) FRAME));
        refused("checksum offset past the frame", b -> b.putShort(8, (short) (FRAME - 34 - 1)));
        assertNull(problem(b -> b.putShort(8, (short) (FRAME - 34 - 2))), "the last two bytes are still inside");
        refused("a position with no checksum to complete", b -> b.put(0, (byte) 0).put(1, (byte) 0).putShort(4, (short) 0));
    }

    @Test
    void aChecksumOnAFrameThatIsNotIpIsRefused() {
        refused("ARP", b -> b.order(ByteOrder.BIG_ENDIAN).putShort(PuppetWire.VNET_HDR + 12, (short) 0x0806));
        refused("an IPv4 header length under 20", b -> b.put(PuppetWire.VNET_HDR + 14, (byte) 0x44));
        refused("version 6 in an IPv4 frame", b -> b.put(PuppetWire.VNET_HDR + 14, (byte) 0x65));
    }

    @Test
    void aRecordOfAHeaderOnlyOrAShortFrameIsRefused() {
        assertNotNull(OffloadCheck.problem(MemorySegment.ofArray(new byte[PuppetWire.VNET_HDR])));
        byte[] shortFrame = new byte[PuppetWire.VNET_HDR + 10];
        shortFrame[0] = 1;
        assertNotNull(OffloadCheck.problem(MemorySegment.ofArray(shortFrame)));
        assertEquals(10, PuppetWire.VNET_HDR);
    }
}
