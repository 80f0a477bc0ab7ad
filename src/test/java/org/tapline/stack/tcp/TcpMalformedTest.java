package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Checksum;
import org.tapline.packet.IpPacket;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.Transport;

/** Malformed segments are counted in InErrs and dropped; random input never throws out of the transport. */
class TcpMalformedTest {
    final TcpHarness h = new TcpHarness();

    private Transport.Delivery deliver(byte[] bytes, boolean fixChecksum) {
        if (fixChecksum && bytes.length >= 18) {
            bytes[16] = 0;
            bytes[17] = 0;
            MemorySegment m = MemorySegment.ofArray(bytes);
            int ck = Checksum.finish(IpAddress.pseudoHeaderSum(TcpHarness.PEER, TcpHarness.US, IpPacket.PROTO_TCP, bytes.length)
                    + Checksum.sum(m, 0, bytes.length));
            bytes[16] = (byte) (ck >> 8);
            bytes[17] = (byte) ck;
        }
        Datagram d = new Datagram();
        d.source = TcpHarness.PEER;
        d.destination = TcpHarness.US;
        d.protocol = IpPacket.PROTO_TCP;
        d.segment = MemorySegment.ofArray(bytes);
        d.length = bytes.length;
        return h.tcp.receive(d, 0);
    }

    @Test
    void badChecksumShortHeaderAndBadOffsetsAreCounted() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 4);
        byte[] good = PeerSegment.syn(1).mss(1460).bytes(TcpHarness.PEER, TcpHarness.US);
        byte[] corrupt = good.clone();
        corrupt[4] ^= 1;
        assertEquals(Transport.Delivery.MALFORMED, deliver(corrupt, false));
        assertEquals(Transport.Delivery.MALFORMED, deliver(new byte[19], false));
        byte[] offset = good.clone();
        offset[12] = (byte) 0x40; // 16 bytes: below the fixed header
        assertEquals(Transport.Delivery.MALFORMED, deliver(offset, true));
        byte[] beyond = good.clone();
        beyond[12] = (byte) 0xf0; // 60 bytes: more than the segment has
        assertEquals(Transport.Delivery.MALFORMED, deliver(beyond, true));
        byte[] option = good.clone();
        option[21] = 40; // the MSS option claims to run past the header
        assertEquals(Transport.Delivery.MALFORMED, deliver(option, true));
        assertEquals(5, h.tcp.counters().inErrs);
        assertEquals(List.of(), h.sent, "nothing answers a malformed segment");
    }

    @Test
    void randomSegmentsNeverThrow() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 4);
        h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 16, 1 << 16, 0);
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length >= 4 && r.nextBoolean()) {
                b[2] = 0;
                b[3] = 80; // to the listener
            }
            deliver(b, r.nextInt(4) != 0);
        }
        assertTrue(h.tcp.counters().inSegs == 20_000);
    }
}
