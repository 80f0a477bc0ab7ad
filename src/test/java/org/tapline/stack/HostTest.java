package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapline.packet.ArpMessage;
import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.neighbor.NeighborCache;

/** The host's state machines fed frames in virtual time; what it sends is compared byte for byte. */
class HostTest {
    private static final MacAddress US = MacAddress.of("02:00:00:00:00:01");
    private static final MacAddress PEER = MacAddress.of("02:00:00:00:aa:01");
    private static final Ipv4Address OURS = Ipv4Address.of("10.0.0.124");
    private static final Ipv4Address PEER_IP = Ipv4Address.of("10.0.0.123");
    /** Written independently (Python struct and an RFC 1071 sum), not by the code under test. */
    private static final String ECHO_REPLY = "02000000aa0102000000000108004500002400000000400165e30a00007c0a00007b"
            + "00005c35123400016162636465666768";
    private static final String ARP_REPLY = "02000000aa01020000000001080600010800060400020200000000010a00007c"
            + "02000000aa010a00007b";

    private static final String ARP_REQUEST = "ffffffffffff020000000001080600010800060400010200000000010a00007c"
            + "0000000000000a00007b";
    private static final IpAddress PEER_V4 = IpAddress.of(PEER_IP);

    private final Counters counters = new Counters();
    private final List<String> sent = new ArrayList<>();
    private final Host host = new Host(US, List.of(Ipv4Interface.parse("10.0.0.124/24")), counters,
            f -> sent.add(HexFormat.of().formatHex(f.toArray(ValueLayout.JAVA_BYTE))));

    @Test
    void arpRequestForUsIsAnsweredAndTheSenderLearnedStale() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, OURS), MacAddress.BROADCAST), 0);
        assertEquals(List.of(ARP_REPLY), sent);
        assertEquals(1, counters.arpAnswered);
        assertEquals(PEER, host.arpCache().peek(PEER_V4));
        assertEquals(NeighborCache.State.STALE, host.arpCache().state(PEER_V4), "news, not a confirmation (as Linux)");
    }

    @Test
    void arpRequestForAnotherAddressIsNotAnswered() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, Ipv4Address.of("10.0.0.125")), MacAddress.BROADCAST), 0);
        assertEquals(List.of(), sent);
        assertEquals(0, host.arpCache().size(), "RFC 826: a stranger's request adds nothing");
    }

    @Test
    void anUnusedLearnedEntryIsForgottenAfterGcStaleTime() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, OURS), MacAddress.BROADCAST), 5);
        assertEquals(5 + NeighborCache.STALE_NANOS, host.nextDeadline());
        host.poll(host.nextDeadline());
        assertNull(host.arpCache().state(PEER_V4));
        assertEquals(Long.MAX_VALUE, host.nextDeadline());
    }

    @Test
    void ourDatagramWaitsForArpAndLeavesOnTheReply() {
        MemorySegment payload = MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IpAddress peer = IpAddress.of(PEER_IP);
        assertEquals(IpOutput.Result.QUEUED, host.ip().send(IpAddress.of(OURS), peer, 253, -1, 0, payload, 8, 0));
        assertEquals(IpOutput.Result.QUEUED, host.ip().send(IpAddress.of(OURS), peer, 253, -1, 0, payload, 8, 500_000_000L));
        assertEquals(List.of(ARP_REQUEST), sent, "one request, not one per datagram");
        host.poll(999_999_999L);
        assertEquals(1, sent.size(), "at most one request a second");
        host.poll(1_000_000_000L);
        assertEquals(List.of(ARP_REQUEST, ARP_REQUEST), sent);
        sent.clear();
        host.receive(arp(ArpMessage.reply(PEER, PEER_IP, US, OURS), US), 1_200_000_000L);
        String datagram = "02000000aa010200000000010800" + "4500001c00000000" + "40fd" + "64ef" + // checksum from an independent RFC 1071 sum (Python)
                "0a00007c0a00007b0102030405060708";
        assertEquals(List.of(datagram, datagram.replace("4500001c00000000", "4500001c00010000").replace("64ef", "64ee")), sent);
        assertEquals(NeighborCache.State.REACHABLE, host.arpCache().state(PEER_V4), "a reply to our request confirms");
        sent.clear();
        assertEquals(IpOutput.Result.SENT, host.ip().send(IpAddress.of(OURS), peer, 253, -1, 0, payload, 8, 2_000_000_000L));
        assertEquals(1, sent.size());
    }

    @Test
    void aUsedStaleEntryIsProbedByUnicastAfterFiveSeconds() {
        knowPeer();
        MemorySegment payload = MemorySegment.ofArray(new byte[8]);
        assertEquals(IpOutput.Result.SENT, host.ip().send(IpAddress.of(OURS), PEER_V4, 253, -1, 0, payload, 8, 0));
        assertEquals(NeighborCache.State.DELAY, host.arpCache().state(PEER_V4));
        sent.clear();
        host.poll(NeighborCache.DELAY_NANOS);
        assertEquals(List.of(ARP_REQUEST.replace("ffffffffffff", "02000000aa01")), sent, "RFC 1122 §2.3.2.1: unicast to the MAC we have");
        host.receive(arp(ArpMessage.reply(PEER, PEER_IP, US, OURS), US), NeighborCache.DELAY_NANOS + 1);
        assertEquals(NeighborCache.State.REACHABLE, host.arpCache().state(PEER_V4));
    }

    @Test
    void unansweredArpTellsTheTransportHostUnreachable() {
        TestTransport t = new TestTransport(IpPacket.PROTO_UDP);
        host.addTransport(t);
        MemorySegment udp = MemorySegment.ofArray(new byte[] {0, 7, 0, 9, 0, 8, 0, 0});
        host.ip().send(IpAddress.of(OURS), IpAddress.of(PEER_IP), IpPacket.PROTO_UDP, -1, 0, udp, 8, 0);
        for (int i = 0; i < 4; i++) {
            host.poll(host.nextDeadline());
        }
        assertEquals(3, sent.stream().filter(f -> f.startsWith("0806", 24)).count(),
                "three requests a second apart (RFC 4861 MAX_MULTICAST_SOLICIT)");
        assertEquals(List.of("HOST_UNREACHABLE 0 10.0.0.124>10.0.0.123 len 8"), t.errors);
        assertEquals(1, host.ipv4Counters().outDiscards);
    }

    @Test
    void aGatewayCarriesWhatIsNotOnLinkAndNothingElseHasARoute() {
        MemorySegment payload = MemorySegment.ofArray(new byte[8]);
        IpAddress far = IpAddress.parse("192.0.2.1");
        assertEquals(IpOutput.Result.NO_ROUTE, host.ip().send(IpAddress.of(OURS), far, 253, -1, 0, payload, 8, 0));
        assertNull(host.ip().sourceFor(far));
        assertEquals(1, host.ipv4Counters().outNoRoutes);
        host.addGateway(IpAddress.of(PEER_IP));
        assertEquals(IpAddress.of(OURS), host.ip().sourceFor(far));
        assertEquals(IpOutput.Result.QUEUED, host.ip().send(IpAddress.of(OURS), far, 253, -1, 0, payload, 8, 0));
        assertEquals(List.of(ARP_REQUEST), sent, "the gateway is resolved, not the destination");
        assertThrows(IllegalArgumentException.class, () -> host.addGateway(IpAddress.parse("10.9.9.9")));
    }

    @Test
    void sourceAddressComesFromTheRoutesInterface() {
        Host two = new Host(US, List.of(Ipv4Interface.parse("10.0.0.124/24"), Ipv4Interface.parse("10.1.0.5/16")), counters,
                f -> { });
        assertEquals(IpAddress.parse("10.1.0.5"), two.ip().sourceFor(IpAddress.parse("10.1.200.1")));
        assertEquals(IpAddress.parse("10.0.0.124"), two.ip().sourceFor(IpAddress.parse("10.0.0.9")));
        two.addGateway(IpAddress.parse("10.1.0.1"));
        assertEquals(IpAddress.parse("10.1.0.5"), two.ip().sourceFor(IpAddress.parse("8.8.8.8")));
    }

    @Test
    void startAnnouncesEachAddress() {
        host.start(0);
        // the ARP frames (IPv6 starts too: its MLD report for the link-local address's group)
        assertEquals(List.of("ffffffffffff020000000001080600010800060400010200000000010a00007c0000000000000a00007c"),
                sent.stream().filter(f -> f.startsWith("0806", 24)).toList());
    }

    @Test
    void echoRequestGetsItsReply() {
        knowPeer();
        host.receive(echo(OURS, 0x1234, 1, new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}), 0);
        assertEquals(List.of(ECHO_REPLY), sent);
        assertEquals(1, counters.echoesAnswered);
    }

    @Test
    void broadcastEchoIsNotAnswered() {
        host.receive(echo(Ipv4Address.of("10.0.0.255"), 1, 1, new byte[8]), 0);
        host.receive(echo(Ipv4Address.of("255.255.255.255"), 1, 2, new byte[8]), 0);
        assertEquals(List.of(), sent);
        assertEquals(0, counters.malformed);
    }

    @Test
    void badIpChecksumIsCountedAndDropped() {
        MemorySegment f = echo(OURS, 1, 1, new byte[8]);
        f.set(ValueLayout.JAVA_BYTE, 14 + 10, (byte) (f.get(ValueLayout.JAVA_BYTE, 24) ^ 1));
        assertDropped(f);
    }

    @Test
    void badIcmpChecksumIsCountedAndDropped() {
        MemorySegment f = echo(OURS, 1, 1, new byte[8]);
        f.set(ValueLayout.JAVA_BYTE, 14 + 20 + 8, (byte) 1);
        assertDropped(f);
    }

    @Test
    void shortFrameIsCountedAndDropped() {
        assertDropped(echo(OURS, 1, 1, new byte[8]).asSlice(0, 14 + 12));
        assertDropped(echo(OURS, 1, 1, new byte[8]).asSlice(0, 14 + 30));
        assertDropped(MemorySegment.ofArray(new byte[10]));
    }

    @Test
    void badIhlIsCountedAndDropped() {
        MemorySegment f = echo(OURS, 1, 1, new byte[8]);
        f.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x44);
        assertDropped(f);
    }

    @Test
    void optionsAreSteppedOverAndTheReplyHasNone() {
        knowPeer();
        // The golden request with a 4-byte option (NOP NOP NOP EOL): IHL 6, header checksum redone.
        MemorySegment plain = echo(OURS, 0x1234, 1, new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
        MemorySegment f = MemorySegment.ofArray(new byte[(int) plain.byteSize() + 4]);
        MemorySegment.copy(plain, 0, f, 0, 34);
        MemorySegment.copy(plain, 34, f, 38, plain.byteSize() - 34);
        byte[] opts = {1, 1, 1, 0};
        MemorySegment.copy(MemorySegment.ofArray(opts), 0, f, 34, 4);
        f.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x46);
        f.set(ValueLayout.JAVA_BYTE, 17, (byte) (f.get(ValueLayout.JAVA_BYTE, 17) + 4));
        f.set(ValueLayout.JAVA_BYTE, 24, (byte) 0);
        f.set(ValueLayout.JAVA_BYTE, 25, (byte) 0);
        int sum = org.tapline.packet.Checksum.internet(f, 14, 24);
        f.set(ValueLayout.JAVA_BYTE, 24, (byte) (sum >> 8));
        f.set(ValueLayout.JAVA_BYTE, 25, (byte) sum);
        host.receive(f, 0);
        assertEquals(List.of(ECHO_REPLY), sent);
    }

    @Test
    void datagramsForAnotherHostAreIgnored() {
        host.receive(echo(Ipv4Address.of("10.0.0.125"), 1, 1, new byte[8]), 0);
        assertEquals(List.of(), sent);
        assertEquals(1, counters.ignored);
        assertEquals(0, counters.malformed);
    }

    @Test
    void onARawIpLinkTheVersionNibblePicksTheFamilyAndNoArpIsNeeded() {
        Host tun = Host.rawIp(List.of(Ipv4Interface.parse("10.0.0.124/24")), 1500, counters,
                f -> sent.add(HexFormat.of().formatHex(f.toArray(ValueLayout.JAVA_BYTE))));
        tun.start(0);
        assertEquals(List.of(), sent, "no gratuitous ARP on a TUN");
        MemorySegment request = echo(OURS, 0x1234, 1, new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
        tun.receive(request.asSlice(14), 0);
        assertEquals(List.of(ECHO_REPLY.substring(28)), sent, "the golden reply without its Ethernet header");
        sent.clear();
        MemorySegment v6 = MemorySegment.ofArray(new byte[40]);
        v6.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x60);
        tun.receive(v6, 0);
        assertEquals(List.of(), sent);
        assertEquals(1, counters.ignored, "IPv6 counted and ignored until the IPv6 layer comes");
        tun.receive(MemorySegment.ofArray(new byte[] {0x50, 0, 0, 0}), 0);
        assertEquals(1, counters.malformed);
        MemorySegment payload = MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(IpOutput.Result.SENT, tun.ip().send(IpAddress.of(OURS), IpAddress.of(PEER_IP), 253, -1, 0, payload, 8, 0));
        assertEquals("4500001c000100004", sent.getFirst().substring(0, 17), "a datagram straight onto the link");
    }

    @Test
    void datagramsToOurOwnAddressLoopBackInsideTheStack() {
        TestTransport t = new TestTransport(IpPacket.PROTO_UDP);
        t.open.add(9);
        host.addTransport(t);
        List<String> replies = new ArrayList<>();
        host.setEchoReplies((from, id, seq, data, now) -> replies.add(from + " " + id + " " + seq));
        IpAddress us = IpAddress.of(OURS);
        assertEquals(us, host.ip().sourceFor(us));
        MemorySegment udp = MemorySegment.ofArray(new byte[] {0, 7, 0, 9, 0, 8, 0, 0});
        assertEquals(IpOutput.Result.SENT, host.ip().send(us, us, IpPacket.PROTO_UDP, -1, 0, udp, 8, 100));
        MemorySegment echo = MemorySegment.ofArray(new byte[8 + 4000]);
        new IcmpEcho(false, 9, 1).emitTo(echo, 0, 4000);
        assertEquals(IpOutput.Result.SENT, host.ip().send(us, us, IpPacket.PROTO_ICMP, -1, 0, echo, 8 + 4000, 100));
        assertEquals(100, host.nextDeadline(), "due at once");
        host.poll(100);
        assertEquals(List.of("10.0.0.124>10.0.0.124 len 8"), t.received);
        host.poll(host.nextDeadline());
        assertEquals(List.of("10.0.0.124 9 1"), replies, "a 4000-byte ping to ourselves, unfragmented");
        assertEquals(List.of(), sent, "nothing reached the link");
    }

    @Test
    void aMartianSourceIsDiscarded() {
        knowPeer();
        for (String src : new String[] {"224.0.0.1", "255.255.255.255", "240.0.0.1", "127.0.0.1"}) {
            MemorySegment f = MemorySegment.ofArray(new byte[14 + 20 + 8]);
            int at = new EthernetHeader(US, PEER, Ethernet.TYPE_IPV4).emitTo(f, 0);
            at += Ipv4Header.simple(IpPacket.PROTO_ICMP, Ipv4Address.of(src), OURS, 8).emitTo(f, at);
            new IcmpEcho(false, 1, 1).emitTo(f, at, 0);
            host.receive(f, 0);
        }
        assertEquals(List.of(), sent);
        assertEquals(4, host.ipv4Counters().inAddrErrors);
        assertEquals(0, host.icmpCounters().inMsgs);
    }

    @Test
    void randomBytesNeverThrowNorAnswer() {
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length >= 14) {
                US.writeTo(MemorySegment.ofArray(b), 0);
                b[12] = 8;
                b[13] = (byte) (r.nextBoolean() ? 0 : 6);
            }
            host.receive(MemorySegment.ofArray(b), i);
        }
        assertEquals(20_000, counters.framesIn);
        assertTrue(counters.malformed > 10_000, counters.line());
    }

    /** The peer ARPs for us, as it does before it pings: we learn its MAC (STALE). */
    private void knowPeer() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, OURS), MacAddress.BROADCAST), 0);
        sent.clear();
    }

    private void assertDropped(MemorySegment frame) {
        long before = counters.malformed;
        host.receive(frame, 0);
        assertEquals(List.of(), sent);
        assertEquals(before + 1, counters.malformed);
    }

    private static MemorySegment arp(ArpMessage m, MacAddress to) {
        MemorySegment f = MemorySegment.ofArray(new byte[Ethernet.HEADER_LENGTH + m.length()]);
        int at = new EthernetHeader(to, m.senderMac(), Ethernet.TYPE_ARP).emitTo(f, 0);
        m.emitTo(f, at);
        return f;
    }

    private static MemorySegment echo(Ipv4Address to, int id, int seq, byte[] data) {
        MemorySegment f = MemorySegment.ofArray(new byte[14 + 20 + 8 + data.length]);
        int at = new EthernetHeader(to.bits() == OURS.bits() ? US : MacAddress.BROADCAST, PEER, Ethernet.TYPE_IPV4).emitTo(f, 0);
        at += Ipv4Header.simple(IpPacket.PROTO_ICMP, PEER_IP, to, 8 + data.length).emitTo(f, at);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, f, at + 8, data.length);
        new IcmpEcho(false, id, seq).emitTo(f, at, data.length);
        return f;
    }
}
