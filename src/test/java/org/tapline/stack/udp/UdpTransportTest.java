package org.tapline.stack.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tapline.packet.ArpMessage;
import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;
import org.tapline.packet.UdpHeader;
import org.tapline.stack.Counters;
import org.tapline.stack.Host;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;

/** UDP on a {@link Host} in virtual time: frames in, frames out, compared byte for byte. */
class UdpTransportTest {
    private static final MacAddress US = MacAddress.of("02:00:00:00:00:01");
    private static final MacAddress PEER = MacAddress.of("02:00:00:00:aa:01");
    private static final Ipv4Address OURS = Ipv4Address.of("10.0.0.124");
    private static final Ipv4Address PEER_IP = Ipv4Address.of("10.0.0.123");
    private static final Ipv4Address OTHER_IP = Ipv4Address.of("10.0.0.99");
    /** "hello" from 10.0.0.124:7 to 10.0.0.123:40000, made with Python's struct and an RFC 1071 sum. */
    private static final String HELLO_FRAME = "02000000aa0102000000000108004500002100000000401165d60a00007c0a00007b"
            + "00079c40000d0ac468656c6c6f";

    private final Counters counters = new Counters();
    private final List<String> sent = new ArrayList<>();
    private final Host host = new Host(US, List.of(Ipv4Interface.parse("10.0.0.124/24")), counters,
            f -> sent.add(HexFormat.of().formatHex(f.toArray(ValueLayout.JAVA_BYTE))));
    private final UdpTransport udp = new UdpTransport(host.ip(), new SplittableRandom(7));

    UdpTransportTest() {
        host.addTransport(udp);
    }

    @Test
    void datagramIsDeliveredAndTheAnswerIsExactBytes() throws Exception {
        UdpEndpoint echo = bound(IpAddress.ANY_V4, 7);
        learnPeer();
        host.receive(udpFrame(PEER_IP, 40000, OURS, 7, "hello"), 1);
        assertTrue(echo.hasDatagram());
        assertEquals(IpAddress.of(PEER_IP), echo.peekSource());
        assertEquals(40000, echo.peekSourcePort());
        ByteBuffer b = ByteBuffer.allocate(100);
        assertEquals(5, echo.take(b));
        assertEquals("hello", new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
        udp.send(echo, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), IpAddress.of(PEER_IP), 40000, 2);
        assertEquals(List.of(HELLO_FRAME), sent);
        assertEquals(1, udp.counters().inDatagrams);
        assertEquals(1, udp.counters().outDatagrams);
    }

    @Test
    void badChecksumIsCountedAndDropped() throws Exception {
        UdpEndpoint e = bound(IpAddress.ANY_V4, 9);
        MemorySegment f = udpFrame(PEER_IP, 40000, OURS, 9, "data");
        f.set(ValueLayout.JAVA_BYTE, 14 + 20 + 8, (byte) 'D');
        host.receive(f, 0);
        assertFalse(e.hasDatagram());
        assertEquals(1, udp.counters().inCsumErrors);
        assertEquals(1, udp.counters().inErrors);
        assertEquals(1, counters.malformed);
    }

    @Test
    void zeroChecksumIsAcceptedOverIpv4AndRefusedOverIpv6() throws Exception {
        UdpEndpoint e = bound(IpAddress.ANY_V6, 9);
        MemorySegment f = udpFrame(PEER_IP, 40000, OURS, 9, "data");
        f.set(ValueLayout.JAVA_BYTE, 14 + 20 + 6, (byte) 0);
        f.set(ValueLayout.JAVA_BYTE, 14 + 20 + 7, (byte) 0);
        host.receive(f, 0);
        assertTrue(e.hasDatagram(), "RFC 768: zero means the sender computed none");
        e.take(ByteBuffer.allocate(10));
        Datagram d = datagram(IpAddress.parse("fd00::1"), IpAddress.parse("fd00::124"), new byte[] {
                (byte) 0x9c, 0x40, 0, 9, 0, 9, 0, 0, 'x'});
        assertEquals(org.tapline.stack.ip.Transport.Delivery.MALFORMED, udp.receive(d, 0));
        assertFalse(e.hasDatagram(), "RFC 8200 §8.1: over IPv6 a zero checksum is discarded");
    }

    @Test
    void lengthFieldMustFitTheDatagram() throws Exception {
        UdpEndpoint e = bound(IpAddress.ANY_V4, 9);
        for (int bad : new int[] {7, 0, 4 + 8 + 1}) {
            MemorySegment f = udpFrame(PEER_IP, 40000, OURS, 9, "data");
            f.set(ValueLayout.JAVA_BYTE, 14 + 20 + 4, (byte) (bad >> 8));
            f.set(ValueLayout.JAVA_BYTE, 14 + 20 + 5, (byte) bad);
            host.receive(f, 0);
        }
        assertFalse(e.hasDatagram());
        assertEquals(3, udp.counters().inErrors);
        assertEquals(3, counters.malformed);
    }

    @Test
    void noSocketMeansNoPortForTheIpLayer() {
        host.receive(udpFrame(PEER_IP, 40000, OURS, 5555, "x"), 0);
        assertEquals(1, udp.counters().noPorts);
        assertEquals(1, counters.noPort);
        host.receive(udpFrame(PEER_IP, 40000, Ipv4Address.of("10.0.0.255"), 5555, "x"), 0);
        assertEquals(1, udp.counters().noPorts, "a broadcast no one wants is no error");
        assertEquals(1, udp.counters().ignoredMulti);
    }

    @Test
    void connectedSocketIsPreferredAndTakesOnlyItsPeer() throws Exception {
        UdpEndpoint wildcard = bound(IpAddress.ANY_V4, 53);
        UdpEndpoint specific = udp.open();
        specific.reuseAddress(true);
        wildcard.reuseAddress = true;
        udp.bind(specific, IpAddress.of(OURS), 53);
        UdpEndpoint connected = udp.open();
        connected.reuseAddress(true);
        udp.bind(connected, IpAddress.ANY_V4, 53);
        udp.connect(connected, IpAddress.of(PEER_IP), 40000);
        assertEquals(IpAddress.of(OURS), connected.localAddress(), "connect picks the source address");
        host.receive(udpFrame(PEER_IP, 40000, OURS, 53, "a"), 0);
        host.receive(udpFrame(PEER_IP, 40001, OURS, 53, "b"), 0);
        host.receive(udpFrame(OTHER_IP, 40000, OURS, 53, "c"), 0);
        assertEquals(List.of("a"), drain(connected));
        assertEquals(List.of("b", "c"), drain(specific), "a bound address beats the wildcard");
        assertEquals(List.of(), drain(wildcard));
    }

    @Test
    void broadcastGoesToEverySocketOnThePort() throws Exception {
        UdpEndpoint a = udp.open();
        a.reuseAddress(true);
        udp.bind(a, IpAddress.ANY_V4, 67);
        UdpEndpoint b = udp.open();
        b.reuseAddress(true);
        udp.bind(b, IpAddress.ANY_V6, 67);
        host.receive(udpFrame(PEER_IP, 68, Ipv4Address.of("255.255.255.255"), 67, "x"), 0);
        assertEquals(List.of("x"), drain(a));
        assertEquals(List.of("x"), drain(b));
    }

    @Test
    void v6OnlySocketDoesNotTakeIpv4() throws Exception {
        UdpEndpoint e = udp.open();
        e.v6Only(true);
        udp.bind(e, IpAddress.ANY_V6, 9);
        host.receive(udpFrame(PEER_IP, 40000, OURS, 9, "x"), 0);
        assertFalse(e.hasDatagram());
        assertEquals(1, udp.counters().noPorts);
        UdpEndpoint v4 = bound(IpAddress.ANY_V4, 9);
        assertTrue(v4.localPort() == 9, "the two families do not overlap");
    }

    @Test
    void portUnreachableIsReportedToTheConnectedSocketOnly() throws Exception {
        learnPeer();
        UdpEndpoint connected = udp.open();
        udp.connect(connected, IpAddress.of(PEER_IP), 7);
        UdpEndpoint unconnected = bound(IpAddress.ANY_V4, 5000);
        udp.error(IcmpProblem.PORT_UNREACHABLE, 0, quoted(IpAddress.of(OURS), connected.localPort(), IpAddress.of(PEER_IP), 7), 0);
        udp.error(IcmpProblem.PORT_UNREACHABLE, 0, quoted(IpAddress.of(OURS), 5000, IpAddress.of(PEER_IP), 7), 0);
        assertNull(unconnected.takeError(), "Linux reports nothing to an unconnected socket");
        SocketException thrown = assertThrows(SocketException.class,
                () -> udp.send(connected, ByteBuffer.wrap(new byte[1]), null, 0, 1));
        assertInstanceOf(PortUnreachableException.class, thrown);
        assertNull(connected.takeError(), "reported once");
        udp.error(IcmpProblem.TIME_EXCEEDED, 0, quoted(IpAddress.of(OURS), connected.localPort(), IpAddress.of(PEER_IP), 7), 0);
        assertNull(connected.takeError(), "a soft error is not reported");
    }

    @Test
    void fullReceiveBufferDropsAndCounts() throws Exception {
        UdpEndpoint e = bound(IpAddress.ANY_V4, 9);
        e.receiveBuffer(0);
        assertEquals(UdpEndpoint.MIN_RCVBUF, e.receiveBuffer());
        String kb = "k".repeat(1000);
        for (int i = 0; i < 3; i++) {
            host.receive(udpFrame(PEER_IP, 40000, OURS, 9, kb), i);
        }
        assertEquals(2, udp.counters().inDatagrams, "2 x (1000 + 64) fit in 2304 bytes, a third does not");
        assertEquals(1, udp.counters().rcvbufErrors);
        assertEquals(1, udp.counters().inErrors);
        e.take(ByteBuffer.allocate(10));
        host.receive(udpFrame(PEER_IP, 40000, OURS, 9, kb), 3);
        assertEquals(3, udp.counters().inDatagrams, "reading one makes room");
    }

    @Test
    void ephemeralPortsAreRandomInLinuxRangeAndBindConflictsAreRefused() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            UdpEndpoint e = udp.open();
            udp.bind(e, IpAddress.ANY_V6, 0);
            assertTrue(e.localPort() >= 32768 && e.localPort() <= 60999, "port " + e.localPort());
            seen.add(e.localPort());
        }
        assertEquals(50, seen.size());
        bound(IpAddress.ANY_V4, 7);
        assertThrows(BindException.class, () -> udp.bind(udp.open(), IpAddress.of(OURS), 7));
        assertThrows(BindException.class, () -> udp.bind(udp.open(), IpAddress.of(OTHER_IP), 8), "not our address");
    }

    @Test
    void computedZeroChecksumIsSentAsAllOnes() throws Exception {
        learnPeer();
        UdpEndpoint e = bound(IpAddress.of(OURS), 7);
        udp.send(e, ByteBuffer.wrap(new byte[2]), IpAddress.of(PEER_IP), 7, 0);
        byte[] first = HexFormat.of().parseHex(sent.removeFirst());
        int c = (first[14 + 20 + 6] & 0xff) << 8 | (first[14 + 20 + 7] & 0xff);
        // Data equal to the checksum of zero data makes the one's complement sum all ones.
        udp.send(e, ByteBuffer.wrap(new byte[] {(byte) (c >> 8), (byte) c}), IpAddress.of(PEER_IP), 7, 0);
        byte[] second = HexFormat.of().parseHex(sent.removeFirst());
        assertEquals(0xff, second[14 + 20 + 6] & 0xff);
        assertEquals(0xff, second[14 + 20 + 7] & 0xff);
    }

    @Test
    void reportListsSocketsAndCounters() throws Exception {
        bound(IpAddress.ANY_V4, 7);
        UdpEndpoint c = udp.open();
        udp.connect(c, IpAddress.of(PEER_IP), 53);
        StringBuilder b = new StringBuilder();
        host.report(b);
        String r = b.toString();
        assertTrue(r.contains("UNCONN") && r.contains("0.0.0.0:7"), r);
        assertTrue(r.contains("ESTAB") && r.contains("10.0.0.124:" + c.localPort()) && r.contains("10.0.0.123:53"), r);
        assertTrue(r.contains("Udp: InDatagrams 0 NoPorts 0"), r);
    }

    @Test
    void familiesAreKeptApart() throws Exception {
        learnPeer();
        UdpEndpoint v4 = bound(IpAddress.ANY_V4, 7);
        assertThrows(java.net.NoRouteToHostException.class, () -> udp.connect(v4, IpAddress.parse("fd00::1"), 7));
        UdpEndpoint v6only = udp.open();
        v6only.v6Only(true);
        assertThrows(java.net.NoRouteToHostException.class,
                () -> udp.send(v6only, ByteBuffer.wrap(new byte[1]), IpAddress.of(PEER_IP), 7, 0));
        UdpEndpoint dual = udp.open();
        udp.send(dual, ByteBuffer.wrap(new byte[1]), IpAddress.of(PEER_IP), 7, 0);
        assertEquals(1, sent.size(), "a new socket is dual-stack and sends IPv4");
    }

    @Test
    void closeFreesThePort() throws Exception {
        UdpEndpoint e = bound(IpAddress.ANY_V4, 7);
        udp.close(e);
        assertTrue(e.isClosed());
        host.receive(udpFrame(PEER_IP, 40000, OURS, 7, "x"), 0);
        assertEquals(1, udp.counters().noPorts);
        bound(IpAddress.ANY_V4, 7);
    }

    private UdpEndpoint bound(IpAddress a, int port) throws SocketException {
        UdpEndpoint e = udp.open();
        udp.bind(e, a, port);
        return e;
    }

    private void learnPeer() {
        MemorySegment f = MemorySegment.ofArray(new byte[14 + 28]);
        int at = new EthernetHeader(MacAddress.BROADCAST, PEER, Ethernet.TYPE_ARP).emitTo(f, 0);
        ArpMessage.request(PEER, PEER_IP, OURS).emitTo(f, at);
        host.receive(f, 0);
        sent.clear();
    }

    private static List<String> drain(UdpEndpoint e) {
        List<String> got = new ArrayList<>();
        while (e.hasDatagram()) {
            ByteBuffer b = ByteBuffer.allocate(2000);
            e.take(b);
            got.add(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
        }
        return got;
    }

    static MemorySegment udpFrame(Ipv4Address from, int fromPort, Ipv4Address to, int toPort, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.US_ASCII);
        MemorySegment f = MemorySegment.ofArray(new byte[14 + 20 + 8 + bytes.length]);
        boolean unicast = to.bits() == OURS.bits();
        int at = new EthernetHeader(unicast ? US : MacAddress.BROADCAST, PEER, Ethernet.TYPE_IPV4).emitTo(f, 0);
        Ipv4Header ip = Ipv4Header.simple(IpPacket.PROTO_UDP, from, to, 8 + bytes.length);
        at += ip.emitTo(f, at);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, f, at + 8, bytes.length);
        new UdpHeader(fromPort, toPort, bytes.length).emitTo(f, at, ip);
        return f;
    }

    private static Datagram datagram(IpAddress from, IpAddress to, byte[] message) {
        Datagram d = new Datagram();
        d.source = from;
        d.destination = to;
        d.protocol = IpPacket.PROTO_UDP;
        d.segment = MemorySegment.ofArray(message);
        d.offset = 0;
        d.length = message.length;
        return d;
    }

    private static Datagram quoted(IpAddress ours, int ourPort, IpAddress peer, int peerPort) {
        return datagram(ours, peer, new byte[] {(byte) (ourPort >> 8), (byte) ourPort, (byte) (peerPort >> 8),
                (byte) peerPort, 0, 9, 0, 0});
    }
}
