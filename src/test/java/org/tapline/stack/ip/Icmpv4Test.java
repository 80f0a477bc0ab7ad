package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.ip.Ipv4TestHost.OURS;
import static org.tapline.stack.ip.Ipv4TestHost.PEER_IP;
import static org.tapline.stack.ip.Ipv4TestHost.US;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IcmpError;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;

/** ICMP received: errors reach the transport of the quoted datagram after every length is checked; echo replies reach the listener. */
class Icmpv4Test {
    private final Ipv4TestHost t = new Ipv4TestHost();

    @Test
    void portUnreachableReachesTheTransport() {
        t.host.receive(error(3, 3, OURS, 8, 36), 0);
        assertEquals(List.of("PORT_UNREACHABLE 0 10.0.0.124>10.0.0.123 len 8"), t.udp.errors);
        assertEquals(1, t.host.icmpCounters().inDestUnreachs);
    }

    @Test
    void eachCodeMeansWhatRfc1122Says() {
        assertEquals(IcmpProblem.NET_UNREACHABLE, Icmpv4.problem(new IcmpError(3, 0, 0)));
        assertEquals(IcmpProblem.HOST_UNREACHABLE, Icmpv4.problem(new IcmpError(3, 1, 0)));
        assertEquals(IcmpProblem.PROTOCOL_UNREACHABLE, Icmpv4.problem(new IcmpError(3, 2, 0)));
        assertEquals(IcmpProblem.ADMIN_PROHIBITED, Icmpv4.problem(new IcmpError(3, 13, 0)));
        assertEquals(IcmpProblem.TIME_EXCEEDED, Icmpv4.problem(new IcmpError(11, 0, 0)));
        assertEquals(IcmpProblem.PARAMETER_PROBLEM, Icmpv4.problem(new IcmpError(12, 0, 0)));
    }

    @Test
    void aQuoteTooShortForThePortsIsCountedAndDropped() {
        t.host.receive(error(3, 3, OURS, 7, 36), 0);
        t.host.receive(error(3, 3, OURS, 8, 200), 0); // the quoted header claims more than is present: fine, 8 are there
        assertEquals(1, t.udp.errors.size());
        assertEquals(1, t.host.icmpCounters().inErrors);
    }

    @Test
    void anErrorAboutSomeoneElsesDatagramIsDropped() {
        t.host.receive(error(3, 3, Ipv4Address.of("10.0.0.50"), 8, 36), 0);
        assertEquals(List.of(), t.udp.errors);
        assertEquals(1, t.host.icmpCounters().inErrors);
    }

    @Test
    void aMangledQuotedHeaderIsDropped() {
        MemorySegment f = error(3, 3, OURS, 8, 36);
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 14 + 20 + 8, (byte) 0x4f); // IHL 15: 60 bytes, more than quoted
        fixIcmpChecksum(f);
        t.host.receive(f, 0);
        assertEquals(List.of(), t.udp.errors);
        assertEquals(1, t.host.icmpCounters().inErrors);
    }

    @Test
    void echoRepliesGoToTheListener() {
        List<String> got = new ArrayList<>();
        t.host.setEchoReplies((from, id, seq, data, now) -> got.add(from + " " + id + " " + seq + " " + data.byteSize()));
        byte[] icmp = new byte[8 + 56];
        new IcmpEcho(true, 5, 9).emitTo(MemorySegment.ofArray(icmp), 0, 56);
        t.host.receive(Ipv4TestHost.frame(US, Ipv4Header.simple(IpPacket.PROTO_ICMP, PEER_IP, OURS, icmp.length), icmp), 0);
        assertEquals(List.of("10.0.0.123 5 9 56"), got);
    }

    @Test
    void randomQuotesNeverThrowAndOnlyWellFormedOnesReachTheTransport() {
        java.util.Random rnd = new java.util.Random(1122);
        for (int i = 0; i < 20_000; i++) {
            byte[] icmp = new byte[8 + rnd.nextInt(80)];
            rnd.nextBytes(icmp);
            MemorySegment s = MemorySegment.ofArray(icmp);
            if (icmp.length >= 28 && rnd.nextBoolean()) {
                new Ipv4Header(0, 1, false, false, 0, 64, IpPacket.PROTO_UDP, OURS, PEER_IP, rnd.nextInt(2000)).emitTo(s, 8);
                s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 8, (byte) (0x40 | rnd.nextInt(16)));
            }
            new IcmpError(rnd.nextInt(2) == 0 ? 3 : 11 + rnd.nextInt(2), rnd.nextInt(16), rnd.nextInt()).emitTo(s, 0, icmp.length - 8);
            t.host.receive(Ipv4TestHost.frame(US, Ipv4Header.simple(IpPacket.PROTO_ICMP, PEER_IP, OURS, icmp.length), icmp), i);
        }
        assertEquals(0, t.sent.size(), "never an error about an error");
        assertEquals(t.host.icmpCounters().inErrors, t.counters.malformed, "each bad quote counted, nothing thrown");
        assertTrue(t.udp.errors.size() > 100, String.valueOf(t.udp.errors.size()));
        for (String e : t.udp.errors) {
            assertTrue(e.contains("10.0.0.124>10.0.0.123"), e);
        }
    }

    /** ICMP {@code type}/{@code code} from the peer quoting a UDP datagram from {@code src} with {@code quotedData} bytes after its header. */
    private static MemorySegment error(int type, int code, Ipv4Address src, int quotedData, int quotedTotal) {
        byte[] icmp = new byte[8 + 20 + quotedData];
        MemorySegment s = MemorySegment.ofArray(icmp);
        new Ipv4Header(0, 1, false, false, 0, 64, IpPacket.PROTO_UDP, src, PEER_IP, quotedTotal - 20).emitTo(s, 8);
        new IcmpError(type, code, 0).emitTo(s, 0, 20 + quotedData);
        return Ipv4TestHost.frame(US, Ipv4Header.simple(IpPacket.PROTO_ICMP, PEER_IP, OURS, icmp.length), icmp);
    }

    private static void fixIcmpChecksum(MemorySegment f) {
        long icmpLength = f.byteSize() - 34;
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 36, (byte) 0);
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 37, (byte) 0);
        int sum = org.tapline.packet.Checksum.internet(f, 34, icmpLength);
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 36, (byte) (sum >> 8));
        f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 37, (byte) sum);
    }
}
