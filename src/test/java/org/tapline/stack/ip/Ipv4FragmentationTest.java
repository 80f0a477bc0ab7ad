package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.ip.Ipv4TestHost.OURS;
import static org.tapline.stack.ip.Ipv4TestHost.PEER_IP;
import static org.tapline.stack.ip.Ipv4TestHost.US;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IcmpError;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Header;

/** Fragmentation on send (RFC 791 §3.2), DF, and the path MTU (RFC 1191) through the host. */
class Ipv4FragmentationTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final IpAddress PEER = IpAddress.of(PEER_IP);
    private static final IpAddress US_IP = IpAddress.of(OURS);

    private final Ipv4TestHost t = new Ipv4TestHost();

    @Test
    void aLargeDatagramLeavesInFragmentsOfTheLinkMtu() {
        byte[] data = pattern(4000);
        assertEquals(IpOutput.Result.SENT, send(data, 0, 0));
        assertEquals(List.of("1500 off 0 mf", "1500 off 1480 mf", "1060 off 2960 last"), shapes());
        Ipv4 a = t.sentIp(0);
        Ipv4 c = t.sentIp(2);
        assertEquals(a.identification(), c.identification(), "one identification for all fragments");
        assertFalse(a.dontFragment());
        assertArrayEquals(data, reassemble());
        assertEquals(1, t.host.ipv4Counters().fragOKs);
        assertEquals(3, t.host.ipv4Counters().fragCreates);
    }

    @Test
    void dontFragmentRefusesWhatExceedsThePath() {
        assertEquals(IpOutput.Result.TOO_BIG, send(new byte[1481], IpOutput.DONT_FRAGMENT, 0));
        assertEquals(IpOutput.Result.SENT, send(new byte[1480], IpOutput.DONT_FRAGMENT, 0));
        assertTrue(t.sentIp(0).dontFragment());
        assertEquals(1, t.host.ipv4Counters().fragFails);
        assertEquals(IpOutput.Result.TOO_BIG, send(new byte[65516], 0, 0), "no datagram over 65535 bytes");
    }

    @Test
    void aFragmentedPingGetsAFragmentedReply() {
        byte[] icmp = new byte[4008];
        System.arraycopy(pattern(4000), 0, icmp, 8, 4000);
        new IcmpEcho(false, 77, 3).emitTo(MemorySegment.ofArray(icmp), 0, 4000);
        for (int off = 0; off < icmp.length; off += 1480) {
            int n = Math.min(1480, icmp.length - off);
            byte[] part = java.util.Arrays.copyOfRange(icmp, off, off + n);
            t.host.receive(Ipv4TestHost.frame(US, new Ipv4Header(0, 99, false, off + n < icmp.length, off, 64, IpPacket.PROTO_ICMP,
                    PEER_IP, OURS, n), part), 0);
        }
        assertEquals(List.of("1500 off 0 mf", "1500 off 1480 mf", "1068 off 2960 last"), shapes());
        byte[] reply = reassemble();
        Icmp view = Icmp.of(MemorySegment.ofArray(reply), 0, reply.length);
        assertEquals(Icmp.ECHO_REPLY, view.type());
        assertTrue(view.checksumOk());
        assertEquals(77, view.identifier());
        assertArrayEquals(java.util.Arrays.copyOfRange(icmp, 8, 4008), java.util.Arrays.copyOfRange(reply, 8, 4008));
    }

    @Test
    void fragmentationNeededLowersThePathAndTellsTheTransport() {
        fragmentationNeeded(1400, 0);
        assertEquals(List.of("PACKET_TOO_BIG 1400 10.0.0.124>10.0.0.123 len 8"), t.udp.errors);
        assertEquals(1400, t.host.pathMtu(PEER));
        assertEquals(1500, t.host.pathMtu(IpAddress.parse("10.0.0.9")), "per destination");
        assertEquals(IpOutput.Result.TOO_BIG, send(new byte[1381], IpOutput.DONT_FRAGMENT, 0));
        assertEquals(IpOutput.Result.SENT, send(new byte[3000], 0, 0));
        assertEquals(List.of("1396 off 0 mf", "1396 off 1376 mf", "268 off 2752 last"), shapes());
    }

    @Test
    void aHigherReportNeverRaisesThePath() {
        fragmentationNeeded(1400, 0);
        fragmentationNeeded(1450, 0);
        assertEquals(1400, t.host.pathMtu(PEER));
        fragmentationNeeded(1600, 0);
        assertEquals(1400, t.host.pathMtu(PEER));
    }

    @Test
    void theEstimateExpiresAfterTenMinutes() {
        fragmentationNeeded(1400, 0);
        t.host.poll(10 * MINUTE - 1);
        assertEquals(1400, t.host.pathMtu(PEER));
        t.host.poll(10 * MINUTE);
        assertEquals(1500, t.host.pathMtu(PEER));
    }

    @Test
    void aReportBelow552LocksThePathAt552WithoutDf() {
        fragmentationNeeded(296, 0);
        assertEquals(Ipv4PathMtu.MIN_MTU, t.host.pathMtu(PEER));
        assertEquals(IpOutput.Result.SENT, send(new byte[1000], IpOutput.DONT_FRAGMENT, 0));
        assertEquals(List.of("548 off 0 mf", "492 off 528 last"), shapes());
        assertFalse(t.sentIp(0).dontFragment(), "DF off: the small-MTU router fragments further");
    }

    @Test
    void aRouterWithoutRfc1191GetsTheNextPlateau() {
        fragmentationNeeded(0, 0);
        assertEquals(1492, t.host.pathMtu(PEER), "the quoted datagram was 1500 bytes: the plateau below is 1492");
    }

    /** An ICMP fragmentation-needed from a router (10.0.0.1 behind the peer's MAC) quoting a 1500-byte UDP datagram of ours. */
    private void fragmentationNeeded(int mtu, long now) {
        byte[] icmp = new byte[8 + 28];
        MemorySegment s = MemorySegment.ofArray(icmp);
        new Ipv4Header(0, 1, true, false, 0, 64, IpPacket.PROTO_UDP, OURS, PEER_IP, 1480).emitTo(s, 8);
        s.set(ValueLayout.JAVA_BYTE, 8 + 20 + 5, (byte) 8);
        new IcmpError(Icmp.DEST_UNREACHABLE, IcmpError.FRAGMENTATION_NEEDED, mtu).emitTo(s, 0, 28);
        t.host.receive(Ipv4TestHost.frame(US, Ipv4Header.simple(IpPacket.PROTO_ICMP,
                org.tapline.packet.Ipv4Address.of("10.0.0.1"), OURS, icmp.length), icmp), now);
    }

    private IpOutput.Result send(byte[] data, int flags, long now) {
        return t.host.ip().send(US_IP, PEER, IpPacket.PROTO_UDP, -1, flags, MemorySegment.ofArray(data), data.length, now);
    }

    /** "total-length off N mf|last" of each frame sent. */
    private List<String> shapes() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.sent.size(); i++) {
            Ipv4 ip = t.sentIp(i);
            assertTrue(ip.headerChecksumOk());
            out.add(ip.totalLength() + " off " + ip.fragmentOffset() + (ip.moreFragments() ? " mf" : " last"));
        }
        return out;
    }

    /** The sent fragments put back together by our own reassembly. */
    private byte[] reassemble() {
        Ipv4Reassembly r = new Ipv4Reassembly(new Ipv4Counters());
        Ipv4 whole = null;
        for (int i = 0; i < t.sent.size(); i++) {
            whole = r.add(t.sentIp(i), 0);
        }
        assertNotNull(whole);
        return whole.segment().asSlice(whole.transportOffset(), whole.totalLength() - 20).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 1);
        }
        return b;
    }
}
