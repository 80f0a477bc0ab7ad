package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.ip.Ipv4TestHost.OURS;
import static org.tapline.stack.ip.Ipv4TestHost.PEER_IP;
import static org.tapline.stack.ip.Ipv4TestHost.US;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;

/** The ICMP errors the host sends, each rule of RFC 1122 §3.2.2 and RFC 1812 §4.3.2.7, and the rate limit. */
class Icmpv4ErrorsTest {
    private static final long S = 1_000_000_000L;
    private final Ipv4TestHost t = new Ipv4TestHost();

    @Test
    void aClosedPortGetsPortUnreachableQuotingTheDatagram() {
        MemorySegment probe = Ipv4TestHost.udpTo(OURS, 9, US);
        t.host.receive(probe, 0);
        assertEquals(1, t.sent.size());
        Ipv4 ip = t.sentIp(0);
        assertEquals(OURS.bits(), ip.sourceBits());
        assertEquals(PEER_IP.bits(), ip.destinationBits());
        assertEquals(IpPacket.PROTO_ICMP, ip.protocol());
        assertEquals(20 + 8 + 32, ip.totalLength());
        Icmp icmp = t.sentIcmp(0);
        assertEquals(3, icmp.type());
        assertEquals(3, icmp.code());
        assertTrue(icmp.checksumOk());
        assertEquals(0, icmp.identifier() | icmp.sequence(), "unused word is zero");
        byte[] quoted = icmp.segment().asSlice(icmp.dataOffset(), 32).toArray(ValueLayout.JAVA_BYTE);
        byte[] original = probe.asSlice(14, 32).toArray(ValueLayout.JAVA_BYTE);
        assertEquals(java.util.HexFormat.of().formatHex(original), java.util.HexFormat.of().formatHex(quoted));
        assertEquals(1, t.host.icmpCounters().outDestUnreachs);
    }

    @Test
    void anOpenPortIsDeliveredAndAnswersNothing() {
        t.udp.open.add(9);
        t.host.receive(Ipv4TestHost.udpTo(OURS, 9, US), 0);
        assertEquals(1, t.udp.received.size());
        assertEquals(0, t.sent.size());
    }

    @Test
    void anUnknownProtocolGetsProtocolUnreachable() {
        byte[] body = new byte[16];
        t.host.receive(Ipv4TestHost.frame(US, Ipv4Header.simple(253, PEER_IP, OURS, body.length), body), 0);
        assertEquals(1, t.sent.size());
        assertEquals(3, t.sentIcmp(0).type());
        assertEquals(2, t.sentIcmp(0).code());
        assertEquals(1, t.host.ipv4Counters().inUnknownProtos);
    }

    @Test
    void noErrorAboutBroadcastOrMulticastDestinations() {
        t.host.receive(Ipv4TestHost.udpTo(Ipv4Address.of("10.0.0.255"), 9, MacAddress.BROADCAST), 0);
        t.host.receive(Ipv4TestHost.udpTo(Ipv4Address.of("255.255.255.255"), 9, MacAddress.BROADCAST), 0);
        assertEquals(0, t.sent.size());
    }

    @Test
    void noErrorAboutALinkLayerBroadcast() {
        t.host.receive(Ipv4TestHost.udpTo(OURS, 9, MacAddress.BROADCAST), 0);
        assertEquals(0, t.sent.size());
    }

    @Test
    void noErrorToASourceThatIsNotOneHost() {
        Icmpv4Errors e = errors();
        for (String src : new String[] {"0.0.0.0", "127.0.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "10.0.0.255"}) {
            assertFalse(e.mayAnswer(datagram(Ipv4Address.of(src), OURS, IpPacket.PROTO_UDP, 0, new byte[8]), false), src);
        }
        assertTrue(e.mayAnswer(datagram(PEER_IP, OURS, IpPacket.PROTO_UDP, 0, new byte[8]), false));
    }

    @Test
    void noErrorAboutANonFirstFragmentOrAnIcmpError() {
        Icmpv4Errors e = errors();
        assertFalse(e.mayAnswer(datagram(PEER_IP, OURS, IpPacket.PROTO_UDP, 1480, new byte[8]), false));
        for (int type : new int[] {3, 4, 5, 11, 12, 42}) {
            assertFalse(e.mayAnswer(datagram(PEER_IP, OURS, IpPacket.PROTO_ICMP, 0, new byte[] {(byte) type, 0, 0, 0, 0, 0, 0, 0}),
                    false), "type " + type);
        }
        assertTrue(e.mayAnswer(datagram(PEER_IP, OURS, IpPacket.PROTO_ICMP, 0, new byte[] {8, 0, 0, 0, 0, 0, 0, 0}), false));
        assertFalse(e.mayAnswer(datagram(PEER_IP, Ipv4Address.of("224.0.0.251"), IpPacket.PROTO_UDP, 0, new byte[8]), false));
    }

    @Test
    void reassemblyTimeoutSendsTimeExceededForAQueryButNotForAnError() {
        byte[] echo = new byte[1480];
        new IcmpEcho(false, 1, 1).emitTo(MemorySegment.ofArray(echo), 0, 1472);
        t.host.receive(Ipv4TestHost.frame(US, new Ipv4Header(0, 5, false, true, 0, 64, IpPacket.PROTO_ICMP, PEER_IP, OURS,
                echo.length), echo), 0);
        byte[] error = new byte[1480];
        error[0] = 3;
        t.host.receive(Ipv4TestHost.frame(US, new Ipv4Header(0, 6, false, true, 0, 64, IpPacket.PROTO_ICMP, PEER_IP, OURS,
                error.length), error), 0);
        t.host.poll(Ipv4Reassembly.TIMEOUT_NANOS - 1);
        assertEquals(0, t.sent.size());
        t.host.poll(Ipv4Reassembly.TIMEOUT_NANOS);
        assertEquals(1, t.sent.size(), "time exceeded about the echo only");
        Icmp icmp = t.sentIcmp(0);
        assertEquals(11, icmp.type());
        assertEquals(1, icmp.code());
        assertEquals(576, t.sentIp(0).totalLength());
        Ipv4 quoted = Ipv4.of(icmp.segment(), icmp.dataOffset(), icmp.dataLength());
        assertEquals(5, quoted.identification());
        assertEquals(2, t.host.ipv4Counters().reasmTimeout);
    }

    @Test
    void oneSourceGetsABurstOfSixThenOneASecond() {
        for (int i = 0; i < 20; i++) {
            t.host.receive(Ipv4TestHost.udpTo(OURS, 9, US), i);
        }
        assertEquals(IcmpRateLimit.HOST_BURST, t.sent.size());
        assertEquals(20 - IcmpRateLimit.HOST_BURST, t.host.icmpCounters().outRateLimited);
        t.host.receive(Ipv4TestHost.udpTo(OURS, 9, US), S - 1);
        assertEquals(IcmpRateLimit.HOST_BURST, t.sent.size());
        t.host.receive(Ipv4TestHost.udpTo(OURS, 9, US), S + 20);
        t.host.receive(Ipv4TestHost.udpTo(OURS, 9, US), S + 21);
        assertEquals(IcmpRateLimit.HOST_BURST + 1, t.sent.size());
    }

    private Icmpv4Errors errors() {
        return new Icmpv4Errors(t.host, new Ipv4Input.Addresses() {
            @Override
            public boolean owns(int ip) {
                return ip == OURS.bits();
            }

            @Override
            public boolean isBroadcast(int ip) {
                return ip == -1 || ip == Ipv4Address.of("10.0.0.255").bits();
            }
        }, new IcmpRateLimit(), new IcmpCounters("Icmp"));
    }

    private static Ipv4 datagram(Ipv4Address src, Ipv4Address dst, int protocol, int offset, byte[] payload) {
        MemorySegment f = MemorySegment.ofArray(new byte[20 + payload.length]);
        new Ipv4Header(0, 1, false, false, offset, 64, protocol, src, dst, payload.length).emitTo(f, 0);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, f, 20, payload.length);
        return Ipv4.of(f, 0, f.byteSize());
    }
}
