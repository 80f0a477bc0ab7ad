package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    void rfc1071Example() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (checksum 220d).
        MemorySegment seg = Hex.segment("0001f203f4f5f6f7");
        assertEquals(0xddf2, Checksum.fold(Checksum.sum(seg, 0, 8)));
        assertEquals(0x220d, Checksum.internet(seg, 0, 8));
    }

    @Test
    void oddLengthPadsWithZeroAndOddOffsetsWork() {
        assertEquals(Checksum.internet(Hex.segment("01020300"), 0, 4), Checksum.internet(Hex.segment("010203"), 0, 3));
        assertEquals(~0x0403 & 0xffff, Checksum.internet(Hex.segment("ff0403"), 1, 2));
        assertEquals(0xffff, Checksum.internet(Hex.segment(""), 0, 0));
    }

    @Test
    void capturedIpv4HeadersVerify() {
        for (var f : Fixtures.all()) {
            MemorySegment seg = f.segment();
            Ipv4 ip = Ipv4.of(seg, 14, seg.byteSize() - 14);
            if (BigEndian.u16(seg, 12) == Ethernet.TYPE_IPV4) {
                assertNotNull(ip, f.name());
                assertTrue(ip.headerChecksumOk(), f.name());
                BigEndian.put8(seg, 14 + Ipv4.TTL, ip.ttl() - 1);
                assertFalse(ip.headerChecksumOk(), f.name() + " after TTL change");
            }
        }
    }

    @Test
    void capturedIcmpAndIcmpv6Verify() {
        int checked = 0;
        for (var f : Fixtures.all()) {
            IpPacket ip = ip(f.segment());
            if (ip == null) {
                continue;
            }
            if (ip.protocol() == IpPacket.PROTO_ICMP) {
                assertTrue(Icmp.of(ip).checksumOk(), f.name());
                checked++;
            } else if (ip.protocol() == IpPacket.PROTO_ICMPV6) {
                Icmpv6 m = Icmpv6.of(ip);
                assertTrue(m.checksumOk(ip), f.name());
                BigEndian.put8(ip.segment(), ip.transportOffset() + m.length() - 1, 0x5a);
                assertFalse(m.checksumOk(ip), f.name() + " corrupted");
                checked++;
            }
        }
        assertEquals(10, checked);
    }

    @Test
    void tcpOverIpv4VerifiesAndMatchesTcpdumpsCorrection() {
        IpPacket rst = ip(Hex.segment(Fixtures.TCP_RST));
        assertTrue(Tcp.of(rst).checksumOk(rst));
        // Captured before offload; tcpdump -vv: "cksum 0x14cb (incorrect -> 0xabc5)".
        IpPacket syn = ip(Hex.segment(Fixtures.TCP_SYN_OFFLOADED));
        assertFalse(Tcp.of(syn).checksumOk(syn));
        assertEquals(0xabc5, recompute(syn, Tcp.CHECKSUM, IpPacket.PROTO_TCP));
        assertTrue(Tcp.of(syn).checksumOk(syn));
    }

    @Test
    void tcpOverIpv6MatchesTcpdumpsCorrection() {
        // lo captures: tcpdump -vv said "0x0030 (incorrect -> 0x6b66)" and "0x001c (incorrect -> 0xfdaf)".
        IpPacket syn = ip(Hex.segment(Fixtures.TCP6_SYN_LO));
        assertEquals(0x6b66, recompute(syn, Tcp.CHECKSUM, IpPacket.PROTO_TCP));
        assertTrue(Tcp.of(syn).checksumOk(syn));
        IpPacket rst = ip(Hex.segment(Fixtures.TCP6_RST_LO));
        assertEquals(0xfdaf, recompute(rst, Tcp.CHECKSUM, IpPacket.PROTO_TCP));
    }

    @Test
    void udpMatchesTcpdumpsCorrectionAndZeroMeansNoneOnlyOverIpv4() {
        // tcpdump -vv: "bad udp cksum 0x14ba -> 0x695d!"
        IpPacket ip = ip(Hex.segment(Fixtures.UDP_DNS_OFFLOADED));
        Udp udp = Udp.of(ip);
        assertFalse(udp.checksumOk(ip));
        assertEquals(0x695d, recompute(ip, Udp.CHECKSUM, IpPacket.PROTO_UDP));
        assertTrue(udp.checksumOk(ip));
        BigEndian.put16(ip.segment(), ip.transportOffset() + Udp.CHECKSUM, 0);
        assertTrue(udp.checksumOk(ip), "RFC 768: zero = no checksum over IPv4");
    }

    @Test
    void pseudoHeaderSumsMatchTheirDefinition() {
        long v4 = Checksum.pseudoHeaderV4(0x0a4d0001, 0x0a4d0002, 17, 12);
        assertEquals(0x0a4d + 0x0001 + 0x0a4d + 0x0002 + 17 + 12, v4);
        long v6 = Checksum.pseudoHeaderV6(Ipv6Address.of("::1"), Ipv6Address.of("::2"), 58, 0x10008);
        assertEquals(1 + 2 + 1 + 8 + 58, v6);
    }

    /** Zeroes the checksum field, returns what the pseudo-header + bytes give, and stores it. */
    private static int recompute(IpPacket ip, int field, int protocol) {
        MemorySegment seg = ip.segment();
        long at = ip.transportOffset();
        BigEndian.put16(seg, at + field, 0);
        long n = ip.transportLength();
        int sum = Checksum.finish(ip.pseudoHeaderSum(protocol, n) + Checksum.sum(seg, at, n));
        BigEndian.put16(seg, at + field, sum);
        return sum;
    }

    static IpPacket ip(MemorySegment ethernetFrame) {
        Ethernet eth = Ethernet.of(ethernetFrame, 0, ethernetFrame.byteSize());
        return IpPacket.of(ethernetFrame, eth.payloadOffset(), eth.payloadLength());
    }
}
