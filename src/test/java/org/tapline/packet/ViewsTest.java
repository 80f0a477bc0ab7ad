package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Field accessors against frames captured with tcpdump (values as tcpdump -vv -e decoded them). */
class ViewsTest {

    @Test
    void ethernetHeader() {
        MemorySegment seg = Hex.segment(Fixtures.ICMP_ECHO_REQUEST);
        Ethernet eth = Ethernet.of(seg, 0, seg.byteSize());
        assertEquals(MacAddress.of("3e:22:b6:ea:6a:1f"), eth.destination());
        assertEquals(MacAddress.of("c6:48:d0:09:63:f0"), eth.source());
        assertEquals(Ethernet.TYPE_IPV4, eth.etherType());
        assertEquals(0, eth.tagCount());
        assertEquals(14, eth.payloadOffset());
        assertEquals(84, eth.payloadLength());
        assertNull(eth.problem());
    }

    @Test
    void stackedVlanTags() {
        MemorySegment seg = Hex.segment("ffffffffffff020000000001" + "88a8a014" + "8100000a" + "0806" + "00".repeat(28));
        Ethernet eth = Ethernet.of(seg, 0, seg.byteSize());
        assertEquals(2, eth.tagCount());
        assertEquals(Ethernet.TYPE_QINQ, eth.tagType(0));
        assertEquals(20, eth.vlanId(0));
        assertEquals(5, eth.priority(0));
        assertEquals(10, eth.vlanId(1));
        assertEquals(Ethernet.TYPE_ARP, eth.etherType());
        assertEquals(22, eth.headerLength());
        assertEquals(28, eth.payloadLength());
    }

    @Test
    void vlanTagCutShortIsAProblem() {
        MemorySegment seg = Hex.segment("ffffffffffff020000000001" + "8100000a");
        Ethernet eth = Ethernet.of(seg, 0, seg.byteSize());
        assertEquals("truncated VLAN tag", eth.problem());
        assertEquals(0, eth.tagCount());
        assertEquals(Ethernet.TYPE_VLAN, eth.etherType(), "the TPID of the tag cut short");
        assertEquals(2, eth.payloadLength(), "the partial tag");
    }

    @Test
    void viewsWorkOnNativeSegmentsAtAnOffset() {
        byte[] frame = Hex.bytes(Fixtures.ARP_REPLY);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(frame.length + 3);
            MemorySegment.copy(MemorySegment.ofArray(frame), 0, seg, 3, frame.length);
            Ethernet eth = Ethernet.of(seg, 3, frame.length);
            Arp arp = Arp.of(seg, eth.payloadOffset(), eth.payloadLength());
            assertEquals(Ipv4Address.of("10.77.0.2"), arp.senderIp());
            assertEquals(Fixtures.ARP_REPLY_LINE, Summary.of(1, seg.asSlice(3), frame.length));
        }
    }

    @Test
    void arpReply() {
        MemorySegment seg = Hex.segment(Fixtures.ARP_REPLY);
        Arp arp = Arp.of(seg, 14, seg.byteSize() - 14);
        assertTrue(arp.isEthernetIpv4());
        assertNull(arp.problem());
        assertEquals(Arp.OP_REPLY, arp.operation());
        assertEquals(MacAddress.of("3e:22:b6:ea:6a:1f"), arp.senderMac());
        assertEquals(Ipv4Address.of("10.77.0.2"), arp.senderIp());
        assertEquals(MacAddress.of("c6:48:d0:09:63:f0"), arp.targetMac());
        assertEquals(Ipv4Address.of("10.77.0.1"), arp.targetIp());
    }

    @Test
    void ipv4AndIcmpEcho() {
        MemorySegment seg = Hex.segment(Fixtures.ICMP_ECHO_REQUEST);
        Ipv4 ip = Ipv4.of(seg, 14, seg.byteSize() - 14);
        assertNull(ip.problem());
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(84, ip.totalLength());
        assertEquals(37818, ip.identification());
        assertTrue(ip.dontFragment());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(IpPacket.PROTO_ICMP, ip.protocol());
        assertEquals(0x9252, ip.headerChecksum());
        assertEquals("10.77.0.1", ip.source().toString());
        assertEquals("10.77.0.2", ip.destinationText());
        assertEquals(34, ip.transportOffset());
        assertEquals(64, ip.transportLength());
        assertEquals(0, ip.missing());
        Icmp icmp = Icmp.of(ip);
        assertEquals(Icmp.ECHO_REQUEST, icmp.type());
        assertEquals(6418, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertEquals(56, icmp.dataLength());
    }

    @Test
    void ipv4PayloadIsBoundedByTotalLengthNotByEthernetPadding() {
        // ARP-sized IPv4 packet padded to the 60-byte Ethernet minimum.
        byte[] frame = new byte[60];
        byte[] real = Hex.bytes(Fixtures.TCP_RST);
        System.arraycopy(real, 0, frame, 0, real.length);
        MemorySegment seg = MemorySegment.ofArray(frame);
        Ipv4 ip = Ipv4.of(seg, 14, 46);
        assertEquals(20, ip.transportLength());
        Tcp tcp = Tcp.of(ip);
        assertEquals(0, tcp.payloadLength());
        assertTrue(tcp.checksumOk(ip));
    }

    @Test
    void ipv6HopByHopIsSkipped() {
        MemorySegment seg = Hex.segment(Fixtures.MLD_REPORT_HBH);
        Ipv6 ip = Ipv6.of(seg, 14, seg.byteSize() - 14);
        assertNull(ip.problem());
        assertEquals(Ipv6.HOP_BY_HOP, ip.nextHeader());
        assertEquals(1, ip.extensionCount());
        assertEquals(Ipv6.HOP_BY_HOP, ip.extensionType(0));
        assertEquals(IpPacket.PROTO_ICMPV6, ip.protocol());
        assertEquals(14 + 40 + 8, ip.transportOffset());
        assertEquals(28, ip.transportLength());
        assertEquals(1, ip.hopLimit());
        assertEquals(Icmpv6.MLDV2_REPORT, Icmpv6.of(ip).type());
    }

    @Test
    void ipv6FixedFields() {
        MemorySegment seg = Hex.segment(Fixtures.ICMP6_ECHO_REQUEST_MCAST);
        Ipv6 ip = Ipv6.of(seg, 14, seg.byteSize() - 14);
        assertEquals(6, ip.version());
        assertEquals(0, ip.trafficClass());
        assertEquals(0x23716, ip.flowLabel());
        assertEquals(64, ip.payloadLength());
        assertEquals(1, ip.hopLimit());
        assertEquals(Ipv6Address.of("fe80::c448:d0ff:fe09:63f0"), ip.source());
        assertEquals("ff02::1", ip.destinationText());
        Icmpv6 m = Icmpv6.of(ip);
        assertEquals(6419, m.identifier());
        assertEquals(1, m.sequence());
    }

    @Test
    void neighborDiscovery() {
        MemorySegment ns = Hex.segment(Fixtures.NEIGHBOR_SOLICITATION);
        Icmpv6 sol = Icmpv6.of(Ipv6.of(ns, 14, ns.byteSize() - 14));
        assertEquals(Icmpv6.NEIGHBOR_SOLICITATION, sol.type());
        assertTrue(sol.hasTarget());
        assertEquals(Ipv6Address.of("fe80::c448:d0ff:fe09:63f0"), sol.target());
        MemorySegment na = Hex.segment(Fixtures.NEIGHBOR_ADVERTISEMENT);
        Icmpv6 adv = Icmpv6.of(Ipv6.of(na, 14, na.byteSize() - 14));
        assertEquals(Icmpv6.NA_SOLICITED | Icmpv6.NA_OVERRIDE, adv.advertisementFlags());
        assertEquals("neighbor advertisement", Icmpv6.typeName(adv.type()));
        assertEquals("router solicitation", Icmpv6.typeName(133));
        assertEquals("router advertisement", Icmpv6.typeName(134));
        assertEquals("neighbor solicitation", Icmpv6.typeName(135));
        assertEquals("redirect", Icmpv6.typeName(137));
    }

    @Test
    void tcpSynWithOptions() {
        MemorySegment seg = Hex.segment(Fixtures.TCP_SYN_OFFLOADED);
        Tcp tcp = Tcp.of(Ipv4.of(seg, 14, seg.byteSize() - 14));
        assertNull(tcp.problem());
        assertEquals(43564, tcp.sourcePort());
        assertEquals(80, tcp.destinationPort());
        assertEquals(2403375536L, tcp.sequence());
        assertEquals(0, tcp.acknowledgment());
        assertEquals(Tcp.SYN, tcp.flags());
        assertTrue(tcp.syn());
        assertFalse(tcp.ack());
        assertEquals(64240, tcp.window());
        assertEquals(40, tcp.headerLength());
        assertEquals(20, tcp.optionsLength());
        assertEquals(0, tcp.payloadLength());
        assertEquals(1460, TcpHeader.parse(tcp).mss());
    }

    @Test
    void tcpRstAck() {
        MemorySegment seg = Hex.segment(Fixtures.TCP_RST);
        Tcp tcp = Tcp.of(Ipv4.of(seg, 14, seg.byteSize() - 14));
        assertTrue(tcp.rst());
        assertTrue(tcp.ack());
        assertEquals(2403375537L, tcp.acknowledgment());
        assertEquals(0, tcp.optionsLength());
    }

    @Test
    void udp() {
        MemorySegment seg = Hex.segment(Fixtures.UDP_DNS_OFFLOADED);
        Udp udp = Udp.of(Ipv4.of(seg, 14, seg.byteSize() - 14));
        assertEquals(43463, udp.sourcePort());
        assertEquals(53, udp.destinationPort());
        assertEquals(12, udp.length());
        assertEquals(4, udp.payloadLength());
        assertEquals("dnsq", new String(seg.asSlice(udp.payloadOffset(), 4).toArray(BigEndian.U8)));
    }

    @Test
    void laterFragmentsHaveNoTransportHeader() {
        MemorySegment seg = Hex.segment(Fixtures.UDP_DNS_OFFLOADED);
        BigEndian.put16(seg, 14 + Ipv4.FLAGS_FRAGMENT, 0x2000 | 185);
        Ipv4 ip = Ipv4.of(seg, 14, seg.byteSize() - 14);
        assertTrue(ip.isFragment());
        assertTrue(ip.moreFragments());
        assertEquals(1480, ip.fragmentOffset());
        assertFalse(ip.hasTransportHeader());
        assertNull(Udp.of(ip));
    }

    @Test
    void factoriesRejectMissingFixedHeadersAndBadBounds() {
        MemorySegment seg = Hex.segment("00".repeat(39));
        assertNull(Ethernet.of(seg, 26, 13));
        assertNull(Ipv4.of(seg, 20, 100));
        assertNull(Ipv6.of(seg, 0, 39));
        assertNull(Tcp.of(seg, -1, 20));
        assertNull(Udp.of(seg, 0, -1));
        assertNull(Udp.of(seg, 40, 8));
        assertNull(Arp.of(seg, 32, 8));
        assertNull(Icmp.of(null, 0, 8));
        assertNull(Icmpv6.of(seg, 35, 8));
        assertNull(IpPacket.of(seg, 0, 39), "version 0");
    }
}
