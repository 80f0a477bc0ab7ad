package org.tapline.stack.ip6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tapline.stack.ip6.Peer6.*;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.neighbor.NeighborCache;

/** RFC 4861 Neighbor Discovery: solicitations answered, resolution, NUD and advertisements (§7.2.5). */
class NdpTest {
    private static final long T = READY + SECOND;
    private static final MacAddress OTHER = MacAddress.of("02:00:00:00:bb:02");
    private final Peer6 p = Peer6.ready();

    @Test
    void aSolicitationGetsASolicitedOverrideAdvertisementByteForByte() {
        p.receive(ns(PEER_IP, IpAddress.parse("ff02::1:ff00:124"), OURS, true), T);
        byte[] want = frame(PEER, US, OURS, PEER_IP, 58, 255,
                icmp(OURS, PEER_IP, new byte[0], concat(hex("88000000 60000000"), addr(OURS), hex("0201"), mac(US))));
        assertEquals(List.of(hex(want)), p.sent.stream().map(Peer6::hex).toList());
        assertEquals(NeighborCache.State.STALE, p.host.neighbors().state(PEER_IP), "§7.2.3: the solicitor is learned");
    }

    @Test
    void anotherNodesDadProbeForOurAddressGetsAnAdvertisementToAllNodes() {
        p.receive(ns(IpAddress.ANY_V6, IpAddress.parse("ff02::1:ff00:124"), OURS, false), T);
        byte[] want = frame(MacAddress.of("33:33:00:00:00:01"), US, OURS, ALL_NODES, 58, 255,
                icmp(OURS, ALL_NODES, new byte[0], concat(hex("88000000 20000000"), addr(OURS), hex("0201"), mac(US))));
        assertEquals(List.of(hex(want)), p.sent.stream().map(Peer6::hex).toList());
    }

    @Test
    void malformedSolicitationsAreDropped() {
        byte[] wrongHop = ns(PEER_IP, IpAddress.parse("ff02::1:ff00:124"), OURS, true);
        wrongHop[21] = (byte) 254;
        p.receive(wrongHop, T);
        // a zero-length option
        byte[] msg = concat(hex("87000000 00000000"), addr(OURS), hex("0100 000000000000"));
        p.receive(ip(US, PEER_IP, OURS, 58, 255, icmp(PEER_IP, OURS, new byte[0], msg)), T);
        // from :: with a source link-layer option
        p.receive(ns(IpAddress.ANY_V6, IpAddress.parse("ff02::1:ff00:124"), OURS, true), T);
        assertEquals(List.of(), p.sent);
        assertEquals(3, p.host.counters().icmpInErrors);
        assertNull(p.host.neighbors().state(PEER_IP));
    }

    @Test
    void sendingResolvesByMulticastAndWaitsThenProbesByUnicast() {
        MemorySegment udp = MemorySegment.ofArray(hex("d4310035000800000000"));
        assertEquals(IpOutput.Result.QUEUED, p.host.send(OURS, PEER_IP, 17, -1, 0, udp, 8, T));
        byte[] solicit = p.sent.get(0);
        assertEquals(135, icmpType(solicit));
        assertEquals(IpAddress.parse("ff02::1:ff00:123"), dst(solicit));
        assertEquals("3333ff000123", hex(solicit).substring(0, 12));
        p.runUntil(T + SECOND);
        assertEquals(2, p.sent.size(), "one more solicitation a second later");
        p.receive(na(PEER_IP, OURS, PEER_IP, 0x60, PEER), T + SECOND);
        byte[] queued = p.sent.get(2);
        assertEquals(hex(mac(PEER)), hex(queued).substring(0, 12));
        assertEquals(17, queued[20]);
        assertEquals(NeighborCache.State.REACHABLE, p.host.neighbors().state(PEER_IP));
        // REACHABLE lapses to STALE; used again it goes DELAY, then PROBE with a unicast solicitation
        long t = T + SECOND + 45 * SECOND;
        p.runUntil(t);
        assertEquals(NeighborCache.State.STALE, p.host.neighbors().state(PEER_IP));
        assertEquals(IpOutput.Result.SENT, p.host.send(OURS, PEER_IP, 17, -1, 0, udp, 8, t));
        p.runUntil(t + NeighborCache.DELAY_NANOS);
        byte[] probe = p.sent.get(p.sent.size() - 1);
        assertEquals(135, icmpType(probe));
        assertEquals(PEER_IP, dst(probe));
        assertEquals(hex(mac(PEER)), hex(probe).substring(0, 12));
    }

    @Test
    void aNeighbourThatNeverAnswersMakesTheDatagramAddressUnreachable() {
        MemorySegment udp = MemorySegment.ofArray(hex("d4310035000800000000"));
        p.host.send(OURS, PEER_IP, 17, -1, 0, udp, 8, T);
        p.runUntil(T + 3 * SECOND - 1);
        assertEquals(List.of(), p.errors);
        assertEquals(3, p.sent.size(), "MAX_MULTICAST_SOLICIT solicitations");
        p.runUntil(T + 3 * SECOND);
        assertEquals(List.of("HOST_UNREACHABLE 0 fd00::123 17 8"), p.errors);
        assertNull(p.host.neighbors().state(PEER_IP));
    }

    @Test
    void anUpperLayerHintKeepsTheEntryReachable() {
        p.receive(ns(PEER_IP, IpAddress.parse("ff02::1:ff00:124"), OURS, true), T);
        p.host.reachable(PEER_IP, T);
        assertEquals(NeighborCache.State.REACHABLE, p.host.neighbors().state(PEER_IP));
    }

    @Test
    void advertisementsFollowSection725() {
        p.host.send(OURS, PEER_IP, 17, -1, 0, MemorySegment.ofArray(new byte[8]), 8, T);
        p.receive(na(PEER_IP, OURS, PEER_IP, 0x40, PEER), T);
        assertEquals(NeighborCache.State.REACHABLE, p.host.neighbors().state(PEER_IP));
        // not override, another address: REACHABLE becomes STALE, the address stays
        p.receive(na(PEER_IP, ALL_NODES, PEER_IP, 0x00, OTHER), T);
        assertEquals(NeighborCache.State.STALE, p.host.neighbors().state(PEER_IP));
        assertEquals(PEER, p.host.neighbors().peek(PEER_IP));
        // override: the new address is taken, STALE
        p.receive(na(PEER_IP, ALL_NODES, PEER_IP, 0x20, OTHER), T);
        assertEquals(OTHER, p.host.neighbors().peek(PEER_IP));
        // solicited to a multicast destination is malformed
        p.receive(na(PEER_IP, ALL_NODES, PEER_IP, 0x60, PEER), T);
        assertEquals(OTHER, p.host.neighbors().peek(PEER_IP));
        assertEquals(1, p.host.counters().icmpInErrors);
        // an advertisement for an address without an entry creates none
        p.receive(na(PEER_LL, ALL_NODES, PEER_LL, 0x20, PEER), T);
        assertNull(p.host.neighbors().state(PEER_LL));
    }
}
