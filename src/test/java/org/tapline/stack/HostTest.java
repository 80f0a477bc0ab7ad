package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.tapline.stack.neighbor.ArpCache;

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

    private final Counters counters = new Counters();
    private final List<String> sent = new ArrayList<>();
    private final Host host = new Host(US, List.of(Ipv4Interface.parse("10.0.0.124/24")), counters,
            f -> sent.add(HexFormat.of().formatHex(f.toArray(ValueLayout.JAVA_BYTE))));

    @Test
    void arpRequestForUsIsAnsweredAndTheSenderLearned() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, OURS), MacAddress.BROADCAST), 0);
        assertEquals(List.of(ARP_REPLY), sent);
        assertEquals(1, counters.arpAnswered);
        assertEquals(PEER, host.arpCache().lookup(PEER_IP.bits(), 0));
        assertEquals(ArpCache.State.REACHABLE, host.arpCache().state(PEER_IP.bits(), 0));
    }

    @Test
    void arpRequestForAnotherAddressIsNotAnswered() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, Ipv4Address.of("10.0.0.125")), MacAddress.BROADCAST), 0);
        assertEquals(List.of(), sent);
        assertEquals(0, host.arpCache().size(), "RFC 826: a stranger's request adds nothing");
    }

    @Test
    void arpEntriesGoStaleThenAwayInVirtualTime() {
        host.receive(arp(ArpMessage.request(PEER, PEER_IP, OURS), MacAddress.BROADCAST), 5);
        assertEquals(5 + ArpCache.REACHABLE_NANOS, host.nextDeadline());
        host.poll(host.nextDeadline());
        assertEquals(ArpCache.State.STALE, host.arpCache().state(PEER_IP.bits(), 5 + ArpCache.REACHABLE_NANOS));
        assertEquals(5 + ArpCache.REACHABLE_NANOS + ArpCache.STALE_NANOS, host.nextDeadline());
        host.poll(host.nextDeadline());
        assertNull(host.arpCache().lookup(PEER_IP.bits(), host.nextDeadline()));
        assertEquals(Long.MAX_VALUE, host.nextDeadline());
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
    void fragmentsAreDroppedAndCounted() {
        MemorySegment f = MemorySegment.ofArray(new byte[14 + 20 + 16]);
        int at = new EthernetHeader(US, PEER, Ethernet.TYPE_IPV4).emitTo(f, 0);
        new Ipv4Header(0, 7, false, true, 0, 64, IpPacket.PROTO_ICMP, PEER_IP, OURS, 16).emitTo(f, at);
        host.receive(f, 0);
        assertEquals(List.of(), sent);
        assertEquals(1, counters.fragmentsDropped);
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
