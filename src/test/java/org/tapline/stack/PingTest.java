package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;

/** Echo replies reach the ping call's listener through the IPv4 input, in virtual time. */
class PingTest {
    private static final MacAddress US = MacAddress.of("02:00:00:00:00:01");
    private static final MacAddress PEER = MacAddress.of("02:00:00:00:aa:01");
    private static final Ipv4Address OURS = Ipv4Address.of("10.0.0.124");
    private static final Ipv4Address PEER_IP = Ipv4Address.of("10.0.0.123");

    private final Counters counters = new Counters();
    private final List<String> sent = new ArrayList<>();
    private final Host host = new Host(US, List.of(Ipv4Interface.parse("10.0.0.124/24")), counters,
            f -> sent.add(HexFormat.of().formatHex(f.toArray(ValueLayout.JAVA_BYTE))));
    private final List<String> replies = new ArrayList<>();

    PingTest() {
        host.setEchoReplies((from, id, seq, data, now) -> replies.add(from + " " + id + " " + seq + " "
                + HexFormat.of().formatHex(data.toArray(ValueLayout.JAVA_BYTE)) + " @" + now));
    }

    @Test
    void echoReplyGoesToTheListenerWithItsTime() {
        host.receive(echoReply(OURS, 0x4242, 7, new byte[] {1, 2, 3}), 123_456);
        assertEquals(List.of("10.0.0.123 16962 7 010203 @123456"), replies);
        assertEquals(List.of(), sent, "a reply is not answered");
        assertEquals(0, counters.malformed);
    }

    @Test
    void damagedOrBroadcastRepliesAreNotPassedOn() {
        MemorySegment bad = echoReply(OURS, 1, 1, new byte[4]);
        bad.set(ValueLayout.JAVA_BYTE, 14 + 20 + 8, (byte) 9);
        host.receive(bad, 0);
        assertEquals(1, counters.malformed);
        host.receive(echoReply(Ipv4Address.of("10.0.0.255"), 1, 2, new byte[4]), 0);
        assertTrue(replies.isEmpty(), replies.toString());
    }

    private static MemorySegment echoReply(Ipv4Address to, int id, int seq, byte[] data) {
        MemorySegment f = MemorySegment.ofArray(new byte[14 + 20 + 8 + data.length]);
        int at = new EthernetHeader(to.bits() == OURS.bits() ? US : MacAddress.BROADCAST, PEER, Ethernet.TYPE_IPV4).emitTo(f, 0);
        at += Ipv4Header.simple(IpPacket.PROTO_ICMP, PEER_IP, to, 8 + data.length).emitTo(f, at);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, f, at + 8, data.length);
        new IcmpEcho(true, id, seq).emitTo(f, at, data.length);
        return f;
    }
}
