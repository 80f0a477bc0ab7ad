package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records emit the captured frames byte for byte, and parse back to themselves. */
class BuildersTest {
    private static final MacAddress A = MacAddress.of("c6:48:d0:09:63:f0");
    private static final MacAddress B = MacAddress.of("3e:22:b6:ea:6a:1f");
    private static final Ipv4Address IP_A = Ipv4Address.of("10.77.0.1");
    private static final Ipv4Address IP_B = Ipv4Address.of("10.77.0.2");
    private static final Ipv6Address LL_A = Ipv6Address.of("fe80::c448:d0ff:fe09:63f0");
    private static final Ipv6Address LL_B = Ipv6Address.of("fe80::3c22:b6ff:feea:6a1f");

    @Test
    void arpRequestAndReplyAreByteExact() {
        MemorySegment req = MemorySegment.ofArray(new byte[42]);
        int n = new EthernetHeader(MacAddress.BROADCAST, A, Ethernet.TYPE_ARP).emitTo(req, 0);
        ArpMessage.request(A, IP_A, IP_B).emitTo(req, n);
        assertEquals(Fixtures.ARP_REQUEST, Hex.of(req));

        MemorySegment rep = MemorySegment.ofArray(new byte[42]);
        new EthernetHeader(A, B, Ethernet.TYPE_ARP).emitTo(rep, 0);
        ArpMessage reply = ArpMessage.reply(B, IP_B, A, IP_A);
        reply.emitTo(rep, 14);
        assertEquals(Fixtures.ARP_REPLY, Hex.of(rep));
        assertEquals(reply, ArpMessage.parse(Arp.of(rep, 14, 28)));
    }

    @Test
    void icmpEchoRequestIsByteExact() {
        MemorySegment captured = Hex.segment(Fixtures.ICMP_ECHO_REQUEST);
        MemorySegment seg = MemorySegment.ofArray(new byte[98]);
        MemorySegment.copy(captured, 42, seg, 42, 56); // the echo data: timestamp + pattern
        new IcmpEcho(false, 6418, 1).emitTo(seg, 34, 56);
        new Ipv4Header(0, 37818, true, false, 0, 64, IpPacket.PROTO_ICMP, IP_A, IP_B, 64).emitTo(seg, 14);
        new EthernetHeader(B, A, Ethernet.TYPE_IPV4).emitTo(seg, 0);
        assertEquals(Fixtures.ICMP_ECHO_REQUEST, Hex.of(seg));

        Ipv4 ip = Ipv4.of(seg, 14, 84);
        assertEquals(new IcmpEcho(false, 6418, 1), IcmpEcho.parse(Icmp.of(ip)));
        assertEquals(new Ipv4Header(0, 37818, true, false, 0, 64, 1, IP_A, IP_B, 64), Ipv4Header.parse(ip));
    }

    @Test
    void icmpv6EchoReplyIsByteExact() {
        MemorySegment captured = Hex.segment(Fixtures.ICMP6_ECHO_REPLY);
        MemorySegment seg = MemorySegment.ofArray(new byte[118]);
        MemorySegment.copy(captured, 62, seg, 62, 56);
        Ipv6Header ip6 = new Ipv6Header(0, 0x09859, 64, IpPacket.PROTO_ICMPV6, 64, LL_B, LL_A);
        new Icmpv6Echo(true, 6419, 1).emitTo(seg, 54, ip6, 56);
        ip6.emitTo(seg, 14);
        new EthernetHeader(A, B, Ethernet.TYPE_IPV6).emitTo(seg, 0);
        assertEquals(Fixtures.ICMP6_ECHO_REPLY, Hex.of(seg));
        Ipv6 view = Ipv6.of(seg, 14, 104);
        assertEquals(ip6, Ipv6Header.parse(view));
        assertEquals(new Icmpv6Echo(true, 6419, 1), Icmpv6Echo.parse(Icmpv6.of(view)));
    }

    @Test
    void tcpRstIsByteExact() {
        MemorySegment seg = MemorySegment.ofArray(new byte[54]);
        Ipv4Header ip = new Ipv4Header(0, 0, true, false, 0, 64, IpPacket.PROTO_TCP, IP_B, IP_A, 20);
        TcpHeader rst = new TcpHeader(80, 43564, 0, 2403375537L, Tcp.RST | Tcp.ACK_FLAG, 0, 0, 0);
        rst.emitTo(seg, 34, ip, 0);
        ip.emitTo(seg, 14);
        new EthernetHeader(A, B, Ethernet.TYPE_IPV4).emitTo(seg, 0);
        assertEquals(Fixtures.TCP_RST, Hex.of(seg));
        assertEquals(rst, TcpHeader.parse(Tcp.of(Ipv4.of(seg, 14, 40))));
    }

    @Test
    void udpDatagramMatchesCaptureWithTheChecksumTcpdumpComputed() {
        MemorySegment seg = MemorySegment.ofArray(new byte[46]);
        MemorySegment.copy(MemorySegment.ofArray("dnsq".getBytes()), 0, seg, 42, 4);
        Ipv4Header ip = new Ipv4Header(0, 47747, true, false, 0, 64, IpPacket.PROTO_UDP, IP_A, IP_B, 12);
        UdpHeader udp = new UdpHeader(43463, 53, 4);
        udp.emitTo(seg, 34, ip);
        ip.emitTo(seg, 14);
        new EthernetHeader(B, A, Ethernet.TYPE_IPV4).emitTo(seg, 0);
        String expected = Fixtures.UDP_DNS_OFFLOADED.replace("000c14ba", "000c695d");
        assertEquals(expected, Hex.of(seg));
        IpPacket view = IpPacket.of(seg, 14, 32);
        assertEquals(udp, UdpHeader.parse(Udp.of(view)));
        assertTrue(Udp.of(view).checksumOk(view));
    }

    @Test
    void tcpSynOverIpv6WithMssRoundTripsAndVerifies() {
        Ipv6Header ip = Ipv6Header.simple(IpPacket.PROTO_TCP, 64, LL_A, LL_B, 24);
        TcpHeader syn = new TcpHeader(43210, 80, 123, 0, Tcp.SYN, 64240, 0, 1440);
        MemorySegment seg = MemorySegment.ofArray(new byte[64]);
        assertEquals(24, syn.emitTo(seg, 40, ip, 0));
        ip.emitTo(seg, 0);
        IpPacket view = IpPacket.of(seg, 0, 64);
        Tcp tcp = Tcp.of(view);
        assertTrue(tcp.checksumOk(view));
        assertEquals(syn, TcpHeader.parse(tcp));
        assertEquals("IP6 fe80::c448:d0ff:fe09:63f0.43210 > fe80::3c22:b6ff:feea:6a1f.80: Flags [S], seq 123, "
                + "win 64240, options [mss 1440], length 0", Summary.of(Summary.LINKTYPE_RAW, seg, 64));
    }

    @Test
    void udpOverIpv6WithData() {
        Ipv6Address src = Ipv6Address.of("fe80::1");
        Ipv6Address dst = Ipv6Address.of("ff02::fb");
        MemorySegment seg = MemorySegment.ofArray(new byte[40 + 8 + 40]);
        for (int i = 0; i < 40; i++) {
            seg.set(BigEndian.U8, 48 + i, (byte) (i * 7));
        }
        Ipv6Header ip = Ipv6Header.simple(IpPacket.PROTO_UDP, 255, src, dst, 48);
        new UdpHeader(5353, 5353, 40).emitTo(seg, 40, ip);
        ip.emitTo(seg, 0);
        IpPacket view = IpPacket.of(seg, 0, seg.byteSize());
        assertTrue(Udp.of(view).checksumOk(view));
        assertEquals("IP6 fe80::1.5353 > ff02::fb.5353: UDP, length 40", Summary.of(101, seg, 88));
    }

    @Test
    void taggedEthernetHeaderRoundTrips() {
        EthernetHeader h = new EthernetHeader(B, A,
                List.of(new EthernetHeader.VlanTag(Ethernet.TYPE_QINQ, 0xa014), EthernetHeader.VlanTag.dot1q(10)),
                Ethernet.TYPE_IPV6);
        MemorySegment seg = MemorySegment.ofArray(new byte[h.length()]);
        assertEquals(22, h.emitTo(seg, 0));
        assertEquals("3e22b6ea6a1fc648d00963f088a8a0148100000a86dd", Hex.of(seg));
        assertEquals(h, EthernetHeader.parse(Ethernet.of(seg, 0, 22)));
    }

    @Test
    void fragmentFieldsRoundTrip() {
        Ipv4Header h = new Ipv4Header(0xb8, 0x1234, false, true, 1480, 3, IpPacket.PROTO_UDP, IP_A, IP_B, 8);
        MemorySegment seg = MemorySegment.ofArray(new byte[28]);
        h.emitTo(seg, 0);
        Ipv4 v = Ipv4.of(seg, 0, 28);
        assertTrue(v.headerChecksumOk());
        assertEquals(h, Ipv4Header.parse(v));
        assertEquals("IP 10.77.0.1 > 10.77.0.2: ip-proto-17 (frag 4660:8@1480+)", Summary.of(101, seg, 28));
    }

    @Test
    void parseRefusesMalformedViews() {
        assertNull(Ipv4Header.parse(Ipv4.of(Hex.segment("43" + "00".repeat(19)), 0, 20)));
        assertNull(UdpHeader.parse(Udp.of(Hex.segment("0001000200040000"), 0, 8)));
        assertNull(TcpHeader.parse(Tcp.of(Hex.segment("00".repeat(12) + "40" + "00".repeat(7)), 0, 20)));
        assertNull(ArpMessage.parse(Arp.of(Hex.segment(Fixtures.ARP_REPLY), 14, 27)));
        assertNull(IcmpEcho.parse(null));
    }
}
