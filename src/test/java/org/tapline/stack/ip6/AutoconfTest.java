package org.tapline.stack.ip6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.ip6.Peer6.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.neighbor.NeighborCache;

/** RFC 4862 DAD and SLAAC, RFC 4861 router discovery, RFC 3810 MLD, RFC 6724 source selection. */
class AutoconfTest {
    private static final MacAddress ALL_NODES_MAC = MacAddress.of("33:33:00:00:00:01");
    private static final MacAddress MLD_MAC = MacAddress.of("33:33:00:00:00:16");
    private static final IpAddress MLDV2 = IpAddress.parse("ff02::16");
    private static final IpAddress LL_GROUP = IpAddress.parse("ff02::1:ff00:1");
    private static final IpAddress OUR_GROUP = IpAddress.parse("ff02::1:ff00:124");
    private static final IpAddress SLAAC = IpAddress.parse("fd01::ff:fe00:1");
    private static final byte[] ROUTER_ALERT = hex("3a00 0502 0000 0100");

    private final Peer6 p = new Peer6(1);

    @Test
    void startJoinsGroupsThenProbesEachAddressFromUnspecifiedAndUsesItAfterASecond() {
        p.host.add(Ipv6Interface.parse("fd00::124/64"));
        p.host.start(0);
        byte[] join = frame(MLD_MAC, US, IpAddress.ANY_V6, MLDV2, 0, 1,
                icmp(IpAddress.ANY_V6, MLDV2, ROUTER_ALERT, concat(hex("8f000000 00000001 04000000"), addr(LL_GROUP))));
        assertEquals(hex(join), hex(p.sent.get(0)), "MLDv2 CHANGE_TO_EXCLUDE from :: (RFC 3810 §5.2.13)");
        assertEquals(2, p.sent.size());
        List<Long> probes = new ArrayList<>();
        step(Addresses.START_DELAY_NANOS, f -> icmpType(f) == 135, probes);
        assertEquals(2, probes.size());
        assertTrue(probes.get(0) < Addresses.START_DELAY_NANOS && probes.get(1) < Addresses.START_DELAY_NANOS);
        byte[] dad = frame(MacAddress.of("33:33:ff:00:00:01"), US, IpAddress.ANY_V6, LL_GROUP, 58, 255,
                icmp(IpAddress.ANY_V6, LL_GROUP, new byte[0], concat(hex("87000000 00000000"), addr(OUR_LL))));
        assertTrue(p.sent.stream().anyMatch(f -> hex(f).equals(hex(dad))), "RFC 4862 §5.4.2: from ::, no options");
        long last = Math.max(probes.get(0), probes.get(1));
        assertFalse(p.host.isLocal(OURS) && p.host.isLocal(OUR_LL), "tentative until a second has passed");
        p.runUntil(last + SECOND);
        assertTrue(p.host.isLocal(OURS) && p.host.isLocal(OUR_LL));
    }

    @Test
    void anAdvertisementForATentativeAddressMakesItDuplicateForever() {
        p.host.add(Ipv6Interface.parse("fd00::124/64"));
        p.host.start(0);
        p.receive(na(OURS, ALL_NODES, OURS, 0x20, PEER), SECOND / 2);
        p.runUntil(Peer6.READY);
        assertTrue(p.host.addressStates().contains("fd00::124/64 duplicate"), p.host.addressStates().toString());
        assertFalse(p.host.isLocal(OURS));
        assertEquals(OUR_LL, p.host.sourceFor(PEER_IP, Peer6.READY));
        p.receive(echo(PEER_IP, OURS, US, "00"), Peer6.READY);
        assertEquals(1, p.host.counters().inAddrErrors, "a duplicate address takes nothing");
    }

    @Test
    void anotherNodesProbeForOurTentativeAddressMakesItDuplicate() {
        p.host.add(Ipv6Interface.parse("fd00::124/64"));
        p.host.start(0);
        p.receive(ns(IpAddress.ANY_V6, OUR_GROUP, OURS, false), 1);
        p.runUntil(Peer6.READY);
        assertTrue(p.host.addressStates().contains("fd00::124/64 duplicate"));
        assertTrue(p.host.addressStates().contains(OUR_LL + "/64 preferred"));
    }

    @Test
    void threeRouterSolicitationsFourSecondsApart() {
        p.host.start(0);
        List<Long> times = new ArrayList<>();
        step(30 * SECOND, f -> icmpType(f) == 133, times);
        assertEquals(3, times.size());
        assertTrue(times.get(0) < SECOND);
        assertEquals(4 * SECOND, times.get(1) - times.get(0));
        assertEquals(4 * SECOND, times.get(2) - times.get(1));
        byte[] last = p.sent.stream().filter(f -> icmpType(f) == 133).reduce((a, b) -> b).orElseThrow();
        assertEquals(OUR_LL, src(last));
        assertEquals(hex(concat(hex("0101"), mac(US))), hex(last).substring(2 * 62), "with our link-layer address");
    }

    @Test
    void anAdvertisementGivesAnAddressRoutesAnMtuAndItsLifetimes() {
        Peer6 r = Peer6.ready();
        long t = READY;
        r.receive(ra(1800, 7200, 3600, 255, PEER_LL), t);
        assertEquals(NeighborCache.State.STALE, r.host.neighbors().state(PEER_LL));
        String routes = r.host.routes().routes().toString();
        assertTrue(routes.contains("default via " + PEER_LL) && routes.contains("fd01::/64 if 0"), routes);
        assertEquals(1400, r.host.pathMtu(IpAddress.parse("2001:db8::1"), t));
        r.runUntil(t + 3 * SECOND);
        assertTrue(r.host.addressStates().contains(SLAAC + "/64 preferred"), r.host.addressStates().toString());
        assertEquals(SLAAC, r.host.sourceFor(IpAddress.parse("fd01::5"), t + 3 * SECOND));
        r.runUntil(t + 1800 * SECOND);
        assertNull(r.host.sourceFor(IpAddress.parse("2001:db8::1"), t + 1800 * SECOND), "the default route lapsed");
        r.runUntil(t + 3600 * SECOND);
        assertTrue(r.host.addressStates().contains(SLAAC + "/64 deprecated"));
        assertEquals(OURS, r.host.sourceFor(IpAddress.parse("fd01::5"), t + 3600 * SECOND), "rule 3: avoid deprecated");
        r.runUntil(t + 7200 * SECOND);
        assertFalse(r.host.addressStates().toString().contains("fd01::"));
        assertFalse(r.host.routes().routes().toString().contains("fd01::"));
    }

    @Test
    void theTwoHourRuleKeepsAValidLifetimeFromBeingCutShort() {
        Peer6 r = Peer6.ready();
        long t = READY;
        r.receive(ra(0, 20000, 10000, 255, PEER_LL), t);
        r.runUntil(t + 100 * SECOND);
        r.receive(ra(0, 60, 60, 255, PEER_LL), t + 100 * SECOND);
        long twoHours = RouterDiscovery.TWO_HOURS_NANOS;
        r.runUntil(t + 100 * SECOND + twoHours - 1);
        assertTrue(r.host.addressStates().toString().contains(SLAAC.toString()));
        r.runUntil(t + 100 * SECOND + twoHours);
        assertFalse(r.host.addressStates().toString().contains(SLAAC.toString()));
    }

    @Test
    void advertisementsThatAreNotFromALinkLocalRouterOrNotHop255AreDropped() {
        Peer6 r = Peer6.ready();
        r.receive(ra(1800, 7200, 3600, 64, PEER_LL), READY);
        r.receive(ra(1800, 7200, 3600, 255, PEER_IP), READY);
        assertEquals(2, r.host.counters().icmpInErrors);
        assertFalse(r.host.routes().routes().toString().contains("default"));
    }

    @Test
    void queriesAreAnsweredWithEveryGroupButAllNodes() {
        Peer6 r = Peer6.ready();
        byte[] v2 = concat(hex("82000000 03e80000"), addr(IpAddress.ANY_V6), hex("027d0000"));
        r.receive(ip(ALL_NODES_MAC, PEER_LL, ALL_NODES, 0, 1, icmp(PEER_LL, ALL_NODES, ROUTER_ALERT, v2)), READY);
        assertEquals(List.of(), r.sent, "after a random delay");
        r.runUntil(READY + SECOND);
        byte[] want = frame(MLD_MAC, US, OUR_LL, MLDV2, 0, 1, icmp(OUR_LL, MLDV2, ROUTER_ALERT,
                concat(hex("8f000000 00000002 02000000"), addr(LL_GROUP), hex("02000000"), addr(OUR_GROUP))));
        assertEquals(List.of(hex(want)), r.sent.stream().map(Peer6::hex).toList());
        // MLDv1 (RFC 2710): one report per group, sent to the group
        r.sent.clear();
        byte[] v1 = concat(hex("82000000 03e80000"), addr(IpAddress.ANY_V6));
        r.receive(ip(ALL_NODES_MAC, PEER_LL, ALL_NODES, 0, 1, icmp(PEER_LL, ALL_NODES, ROUTER_ALERT, v1)), READY + SECOND);
        r.runUntil(READY + 2 * SECOND);
        assertEquals(List.of(LL_GROUP, OUR_GROUP), r.sent.stream().map(Peer6::dst).toList());
        // hop limit other than 1: dropped
        r.receive(ip(ALL_NODES_MAC, PEER_LL, ALL_NODES, 0, 2, icmp(PEER_LL, ALL_NODES, ROUTER_ALERT, v2)), READY + 2 * SECOND);
        assertEquals(1, r.host.counters().icmpInErrors);
    }

    @Test
    void sourceSelectionFollowsRfc6724() {
        Peer6 r = Peer6.ready();
        assertEquals(OUR_LL, r.host.sourceFor(PEER_LL, READY), "rule 2: link-local for a link-local destination");
        assertEquals(OURS, r.host.sourceFor(PEER_IP, READY), "rule 2: global for a global destination");
        assertEquals(OUR_LL, r.host.sourceFor(ALL_NODES, READY));
        assertEquals(OURS, r.host.sourceFor(OURS, READY), "rule 1");
        assertNull(r.host.sourceFor(IpAddress.parse("2001:db8::1"), READY), "no route");
    }

    /** A router advertisement from {@code src}: SLLA, MTU 1400, prefix fd01::/64 with L and A. */
    private static byte[] ra(int routerLifetime, long valid, long preferred, int hop, IpAddress src) {
        byte[] head = java.nio.ByteBuffer.allocate(16).putInt(0x8600_0000).put((byte) 64).put((byte) 0)
                .putShort((short) routerLifetime).putInt(30000).putInt(1000).array();
        byte[] pio = java.nio.ByteBuffer.allocate(32).put((byte) 3).put((byte) 4).put((byte) 64).put((byte) 0xc0)
                .putInt((int) valid).putInt((int) preferred).putInt(0).put(addr(IpAddress.parse("fd01::"))).array();
        byte[] msg = concat(head, hex("0101"), mac(PEER), hex("0501 0000 00000578"), pio);
        return ip(ALL_NODES_MAC, src, ALL_NODES, 58, hop, icmp(src, ALL_NODES, new byte[0], msg));
    }

    /** Runs the timers up to {@code until}, noting when a frame that {@code which} picks was sent. */
    private void step(long until, java.util.function.Predicate<byte[]> which, List<Long> times) {
        for (long t = p.host.nextDeadline(); t <= until; t = p.host.nextDeadline()) {
            int before = p.sent.size();
            p.host.poll(t);
            for (byte[] f : p.sent.subList(before, p.sent.size())) {
                if (which.test(f)) {
                    times.add(t);
                }
            }
        }
    }
}
