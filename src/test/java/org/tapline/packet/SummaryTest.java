package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SummaryTest {

    static Stream<Fixtures.Frame> tcpdumpDecodable() {
        // tcpdump decodes port 53 as DNS; we print the generic UDP line (tested separately).
        return Fixtures.all().stream().filter(f -> !f.name().equals("UDP_DNS_OFFLOADED"));
    }

    @ParameterizedTest
    @MethodSource("tcpdumpDecodable")
    void matchesTcpdumpOnCapturedEthernetFrames(Fixtures.Frame frame) {
        MemorySegment seg = frame.segment();
        assertEquals(frame.tcpdumpLine(), Summary.of(Summary.LINKTYPE_ETHERNET, seg, (int) seg.byteSize()));
    }

    static Stream<Arguments> otherLinkTypes() {
        return tcpdumpDecodable().flatMap(f -> Arrays.stream(LinkWrap.LINK_TYPES)
                .filter(t -> t != Summary.LINKTYPE_ETHERNET)
                // Only Ethernet and the cooked captures carry an EtherType, so only they carry ARP.
                .filter(t -> !f.name().startsWith("ARP") || t == Summary.LINKTYPE_LINUX_SLL
                        || t == Summary.LINKTYPE_LINUX_SLL2)
                .mapToObj(t -> Arguments.of(t, f)));
    }

    @ParameterizedTest(name = "link type {0}: {1}")
    @MethodSource("otherLinkTypes")
    void sameLineOnEveryLinkType(int linkType, Fixtures.Frame frame) {
        byte[] wrapped = LinkWrap.wrap(linkType, Hex.bytes(frame.hex()));
        assertEquals(frame.tcpdumpLine(), Summary.of(linkType, MemorySegment.ofArray(wrapped), wrapped.length));
    }

    @Test
    void nullLinkTypeAcceptsEitherByteOrderAndAllInet6Families() {
        byte[] ip6 = LinkWrap.wrap(Summary.LINKTYPE_RAW, Hex.bytes(Fixtures.NEIGHBOR_SOLICITATION));
        for (int family : new int[] {0x0a000000, 0x18000000, 0x1c000000, 0x1e000000, 0x0000000a, 0x0000001e}) {
            byte[] f = new byte[4 + ip6.length];
            f[0] = (byte) (family >>> 24);
            f[1] = (byte) (family >>> 16);
            f[2] = (byte) (family >>> 8);
            f[3] = (byte) family;
            System.arraycopy(ip6, 0, f, 4, ip6.length);
            assertEquals(Fixtures.NEIGHBOR_SOLICITATION_LINE, Summary.of(0, MemorySegment.ofArray(f), f.length),
                    Integer.toHexString(family));
        }
        assertEquals("AF 7, length 8", Summary.of(0, Hex.segment("0700000045000000"), 8));
    }

    @Test
    void briefExamples() {
        Ipv4Address a = Ipv4Address.of("10.0.0.1");
        Ipv4Address b = Ipv4Address.of("10.0.0.2");
        MemorySegment ping = MemorySegment.ofArray(new byte[84]);
        new IcmpEcho(false, 7, 1).emitTo(ping, 20, 56);
        Ipv4Header.simple(IpPacket.PROTO_ICMP, a, b, 64).emitTo(ping, 0);
        assertEquals("IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64", Summary.of(101, ping, 84));

        MemorySegment syn = MemorySegment.ofArray(new byte[40]);
        Ipv4Header ip = Ipv4Header.simple(IpPacket.PROTO_TCP, a, b, 20);
        new TcpHeader(43210, 80, 123, 0, Tcp.SYN, 64240, 0, 0).emitTo(syn, 20, ip, 0);
        ip.emitTo(syn, 0);
        assertEquals("IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [S], seq 123, win 64240, length 0",
                Summary.of(101, syn, 40));

        MemorySegment arp = MemorySegment.ofArray(new byte[42]);
        new EthernetHeader(MacAddress.BROADCAST, MacAddress.of("02:00:00:00:00:01"), Ethernet.TYPE_ARP).emitTo(arp, 0);
        ArpMessage.request(MacAddress.of("02:00:00:00:00:01"), a, b).emitTo(arp, 14);
        assertEquals("ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28", Summary.of(1, arp, 42));
        ArpMessage.reply(MacAddress.of("02:00:00:00:00:02"), b, MacAddress.of("02:00:00:00:00:01"), a).emitTo(arp, 14);
        assertEquals("ARP, Reply 10.0.0.2 is-at 02:00:00:00:00:02, length 28", Summary.of(1, arp, 42));
    }

    @Test
    void arpOnAPaddedFrameReportsTheWireLengthAfterTheHeader() {
        byte[] f = Arrays.copyOf(Hex.bytes(Fixtures.ARP_REQUEST), 60);
        assertEquals("ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 46",
                Summary.of(1, MemorySegment.ofArray(f), 60));
    }

    @Test
    void vlanTagsArePrefixed() {
        String eth = Fixtures.ICMP_ECHO_REQUEST;
        MemorySegment q = Hex.segment(eth.substring(0, 24) + "8100000a" + eth.substring(24));
        assertEquals("802.1Q vlan 10, " + Fixtures.ICMP_ECHO_REQUEST_LINE, Summary.of(1, q, (int) q.byteSize()));
        MemorySegment qinq = Hex.segment(eth.substring(0, 24) + "88a8a014" + "8100000a" + eth.substring(24));
        assertEquals("802.1ad vlan 20, 802.1Q vlan 10, " + Fixtures.ICMP_ECHO_REQUEST_LINE,
                Summary.of(1, qinq, (int) qinq.byteSize()));
        MemorySegment cut = Hex.segment(eth.substring(0, 24) + "8100");
        assertEquals("802.1Q [|vlan]", Summary.of(1, cut, 60));
    }

    @Test
    void unknownEtherTypesAndLinkTypes() {
        MemorySegment lldp = Hex.segment("0180c200000e020000000001" + "88cc" + "00".repeat(46));
        assertEquals("ethertype 0x88cc, length 60", Summary.of(1, lldp, 60));
        MemorySegment llc = Hex.segment("0180c2000000020000000001" + "0026" + "42420300000000".repeat(6));
        assertEquals("802.3 LLC, length 56", Summary.of(1, llc, 56));
        assertEquals("unsupported link type 147, length 3", Summary.of(147, Hex.segment("010203"), 3));
        MemorySegment sll = Hex.segment("0000000100060200000000010000" + "88b5" + "abcd");
        assertEquals("ethertype 0x88b5, length 18", Summary.of(113, sll, 18));
    }

    @Test
    void tcpdumpsWordingForBrokenIpv4() {
        byte[] ip = LinkWrap.wrap(101, Hex.bytes(Fixtures.ICMP_ECHO_REQUEST));
        // Lines as tcpdump 4.99 printed them for the same bytes (where its wording is kept).
        byte[] longer = ip.clone();
        longer[3] = 104;
        assertEquals("IP truncated-ip - 20 bytes missing! 10.77.0.1 > 10.77.0.2: ICMP echo request, id 6418, seq 1, "
                + "length 84", Summary.of(101, MemorySegment.ofArray(longer), longer.length));
        assertEquals("IP 10.77.0.1 > 10.77.0.2: [|icmp]", Summary.of(101, MemorySegment.ofArray(ip).asSlice(0, 24), 84));
        assertEquals(Fixtures.ICMP_ECHO_REQUEST_LINE,
                Summary.of(101, MemorySegment.ofArray(ip).asSlice(0, 40), 84), "snaplen cut in the echo data");
        byte[] badIhl = ip.clone();
        badIhl[0] = 0x43;
        assertEquals("IP malformed IPv4 header (ihl 3)", Summary.of(101, MemorySegment.ofArray(badIhl), 84));
        byte[] badTotal = ip.clone();
        badTotal[2] = 0;
        badTotal[3] = 10;
        assertEquals("IP malformed IPv4 header (total length 10 < header length 20)",
                Summary.of(101, MemorySegment.ofArray(badTotal), 84));
        byte[] laterFragment = ip.clone();
        laterFragment[6] = 0;
        laterFragment[7] = (byte) 185;
        assertEquals("IP 10.77.0.1 > 10.77.0.2: ip-proto-1 (frag 37818:64@1480)",
                Summary.of(101, MemorySegment.ofArray(laterFragment), 84));
        assertEquals("IP [|ip]", Summary.of(101, MemorySegment.ofArray(ip).asSlice(0, 19), 84));
        assertEquals("IP bad-version 5, length 84", Summary.of(101, Hex.segment("55"), 84));
    }

    @Test
    void tcpWithDataAndUrgentPointer() {
        Ipv4Address a = Ipv4Address.of("192.0.2.1");
        Ipv4Address b = Ipv4Address.of("192.0.2.2");
        Ipv4Header ip = Ipv4Header.simple(IpPacket.PROTO_TCP, a, b, 30);
        MemorySegment seg = MemorySegment.ofArray(new byte[50]);
        new TcpHeader(1, 2, 4294967290L, 5, Tcp.PSH | Tcp.ACK_FLAG | Tcp.URG, 100, 3, 0).emitTo(seg, 20, ip, 10);
        ip.emitTo(seg, 0);
        assertEquals("IP 192.0.2.1.1 > 192.0.2.2.2: Flags [P.U], seq 4294967290:4, ack 5, win 100, urg 3, length 10",
                Summary.of(101, seg, 50));
        BigEndian.put8(seg, 33, 0);
        assertEquals("IP 192.0.2.1.1 > 192.0.2.2.2: Flags [none], seq 4294967290:4, win 100, length 10", Summary.of(101, seg, 50));
        BigEndian.put8(seg, 32, 0x30);
        assertEquals("IP 192.0.2.1.1 > 192.0.2.2.2: tcp [bad hdr length 12]", Summary.of(101, seg, 50));
    }

    @Test
    void tcpOptionsAsTcpdumpPrintsThem() {
        StringBuilder sb = new StringBuilder();
        TcpFlagsText.options(sb, Hex.segment("01010512" + "00000001" + "00000005" + "00000009" + "00000010"), 0, 20);
        assertEquals("nop,nop,sack 2 {1:5} {9:16}", sb.toString());
        sb.setLength(0);
        TcpFlagsText.options(sb, Hex.segment("1e0400000000"), 0, 6);
        assertEquals("unknown-30,eol", sb.toString());
        sb.setLength(0);
        TcpFlagsText.options(sb, Hex.segment("0204ff"), 0, 3);
        assertEquals("bad opt", sb.toString());
        assertEquals("FSRP.UEW", TcpFlagsText.of(0xff));
    }

    @Test
    void icmpErrors() {
        byte[] unreach = Hex.bytes(Fixtures.ICMP_PORT_UNREACHABLE);
        String prefix = "IP 10.77.0.2 > 10.77.0.1: ICMP ";
        String[] expected = {
            "net 10.77.0.2 unreachable", "host 10.77.0.2 unreachable", "10.77.0.2 protocol 17 unreachable",
            "10.77.0.2 udp port 53 unreachable", "10.77.0.2 unreachable - need to frag (mtu 0)",
            "10.77.0.2 unreachable - source route failed", "10.77.0.2 unreachable - code 6",
        };
        for (int code = 0; code < expected.length; code++) {
            byte[] f = unreach.clone();
            f[35] = (byte) code;
            assertEquals(prefix + expected[code] + ", length 40", Summary.of(1, MemorySegment.ofArray(f), f.length));
        }
        byte[] f = unreach.clone();
        f[34] = 11;
        f[35] = 0;
        assertEquals(prefix + "time exceeded in-transit, length 40", Summary.of(1, MemorySegment.ofArray(f), f.length));
        f[34] = 42;
        assertEquals(prefix + "type-#42, length 40", Summary.of(1, MemorySegment.ofArray(f), f.length));
        f[34] = 3;
        f[42] = 0x4f; // quoted header claims 60 bytes
        assertEquals(prefix + "unreachable - code 0 [|icmp], length 40", Summary.of(1, MemorySegment.ofArray(f), 74));
    }

    /** IPv6 with Destination Options (8), Fragment (8), Routing (24) and AH (16) before {@code upper}. */
    private static MemorySegment ipv6Chain(int upper, int fragmentField, byte[] upperBytes) {
        Ipv6Address s = Ipv6Address.of("2001:db8::1");
        Ipv6Address d = Ipv6Address.of("2001:db8::2");
        byte[] ext = Hex.bytes("2b00" + "010400000000" // DSTOPT -> routing, PadN
                + "2c02" + "0000" + "00000000" + "0000000000000000" + "0000000000000000" // routing -> frag, 24 bytes
                + "3300" + String.format("%04x", fragmentField) + "12345678" // frag -> AH
                + String.format("%02x", upper) + "02" + "0000" + "00000001" + "00000001" + "00000000"); // AH, 16 bytes
        int payload = ext.length + upperBytes.length;
        MemorySegment seg = MemorySegment.ofArray(new byte[40 + payload]);
        Ipv6Header.simple(Ipv6.DESTINATION_OPTIONS, 64, s, d, payload).emitTo(seg, 0);
        MemorySegment.copy(MemorySegment.ofArray(ext), 0, seg, 40, ext.length);
        MemorySegment.copy(MemorySegment.ofArray(upperBytes), 0, seg, 40 + ext.length, upperBytes.length);
        return seg;
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        byte[] udp = Hex.bytes("03e807d0000c0000" + "61626364");
        MemorySegment first = ipv6Chain(IpPacket.PROTO_UDP, 0x0001, udp);
        Ipv6 v = Ipv6.of(first, 0, first.byteSize());
        assertEquals(4, v.extensionCount());
        assertEquals(List.of(60, 43, 44, 51), List.of(v.extensionType(0), v.extensionType(1), v.extensionType(2),
                v.extensionType(3)));
        assertEquals(IpPacket.PROTO_UDP, v.protocol());
        assertEquals(40 + 56, v.transportOffset());
        assertTrue(v.isFragment());
        assertTrue(v.moreFragments());
        assertEquals(0x12345678L, v.fragmentId());
        assertEquals("IP6 2001:db8::1.1000 > 2001:db8::2.2000: DSTOPT srcrt frag AH UDP, length 4",
                Summary.of(101, first, (int) first.byteSize()));

        MemorySegment later = ipv6Chain(IpPacket.PROTO_UDP, 0x05c8, udp);
        Ipv6 lv = Ipv6.of(later, 0, later.byteSize());
        assertEquals(1480, lv.fragmentOffset());
        assertEquals(3, lv.extensionCount(), "AH belongs to the fragmentable part");
        assertEquals(Ipv6.AUTHENTICATION, lv.protocol());
        assertEquals("IP6 2001:db8::1 > 2001:db8::2: DSTOPT srcrt frag ip-proto-51 (frag 305419896:28@1480)",
                Summary.of(101, later, (int) later.byteSize()));

        MemorySegment esp = ipv6Chain(Ipv6.ESP, 0, Hex.bytes("0000123400000001" + "ff".repeat(8)));
        assertEquals("IP6 2001:db8::1 > 2001:db8::2: DSTOPT srcrt frag AH ESP(spi=0x00001234,seq=0x1), length 16",
                Summary.of(101, esp, (int) esp.byteSize()));
        MemorySegment none = ipv6Chain(Ipv6.NO_NEXT_HEADER, 0, new byte[0]);
        assertEquals("IP6 2001:db8::1 > 2001:db8::2: DSTOPT srcrt frag AH no next header",
                Summary.of(101, none, (int) none.byteSize()));
    }

    @Test
    void ipv6ExtensionHeaderCutShort() {
        MemorySegment seg = ipv6Chain(IpPacket.PROTO_UDP, 0, new byte[0]);
        BigEndian.put8(seg, 41 + 8, 9); // routing header now claims 80 bytes
        Ipv6 v = Ipv6.of(seg, 0, seg.byteSize());
        assertEquals("truncated srcrt header", v.problem());
        assertEquals("IP6 2001:db8::1 > 2001:db8::2: DSTOPT malformed IPv6 header (truncated srcrt header)",
                Summary.of(101, seg, (int) seg.byteSize()));
        assertEquals("IP6 2001:db8::1 > 2001:db8::2: DSTOPT [|ip6]",
                Summary.of(101, seg.asSlice(0, 60), (int) seg.byteSize()));
    }
}
