package org.tapline.stack.neighbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/** RFC 4861 §7.3's state machine in virtual time, seen through what the cache asks the prober to send. */
class NeighborCacheTest {
    private static final IpAddress PEER = IpAddress.parse("10.0.0.1");
    private static final MacAddress MAC = MacAddress.of("02:00:00:00:aa:01");
    private static final long S = 1_000_000_000L;

    private final List<String> events = new ArrayList<>();
    private final NeighborCache cache = new NeighborCache(new NeighborCache.Prober() {
        @Override
        public void solicit(IpAddress target, MacAddress to, long now) {
            events.add(now / 1_000_000 + " solicit " + target + (to == null ? " broadcast" : " to " + to));
        }

        @Override
        public void send(IpAddress target, MacAddress mac, MemorySegment datagram, long now) {
            events.add(now / 1_000_000 + " send " + datagram.byteSize() + " to " + mac);
        }

        @Override
        public void failed(IpAddress target, MemorySegment datagram, long now) {
            events.add(now / 1_000_000 + " failed " + datagram.byteSize());
        }
    });

    @Test
    void resolutionSolicitsOnceASecondQueuesAFewAndSendsThemOnTheReply() {
        assertNull(cache.resolve(PEER, 0));
        for (int i = 1; i <= 4; i++) {
            assertTrue(cache.enqueue(PEER, MemorySegment.ofArray(new byte[i])));
        }
        assertNull(cache.resolve(PEER, 500 * 1_000_000L), "no second request within the second");
        cache.poll(cache.nextDeadline());
        cache.confirm(PEER, MAC, 1500 * 1_000_000L);
        assertEquals(List.of("0 solicit 10.0.0.1 broadcast", "1000 solicit 10.0.0.1 broadcast",
                "1500 send 2 to 02:00:00:00:aa:01", "1500 send 3 to 02:00:00:00:aa:01",
                "1500 send 4 to 02:00:00:00:aa:01"), events, "the oldest of four queued is dropped");
        assertEquals(1, cache.queueDrops());
        assertEquals(NeighborCache.State.REACHABLE, cache.state(PEER));
    }

    @Test
    void anUnansweredTargetFailsAfterThreeSolicitationsAndItsDatagramsAreReported() {
        cache.resolve(PEER, 0);
        cache.enqueue(PEER, MemorySegment.ofArray(new byte[7]));
        while (cache.nextDeadline() != Long.MAX_VALUE) {
            cache.poll(cache.nextDeadline());
        }
        assertEquals(List.of("0 solicit 10.0.0.1 broadcast", "1000 solicit 10.0.0.1 broadcast",
                "2000 solicit 10.0.0.1 broadcast", "3000 failed 7"), events);
        assertNull(cache.state(PEER));
    }

    @Test
    void reachableGoesStaleThenDelayOnUseThenProbesUnicastAndIsConfirmedOrDropped() {
        cache.confirm(PEER, MAC, 0);
        cache.poll(30 * S);
        assertEquals(NeighborCache.State.STALE, cache.state(PEER));
        assertEquals(MAC, cache.resolve(PEER, 31 * S), "a STALE entry is still used");
        assertEquals(NeighborCache.State.DELAY, cache.state(PEER));
        cache.poll(36 * S);
        assertEquals(NeighborCache.State.PROBE, cache.state(PEER));
        cache.poll(37 * S);
        cache.poll(38 * S);
        cache.poll(39 * S);
        assertEquals(List.of("36000 solicit 10.0.0.1 to 02:00:00:00:aa:01", "37000 solicit 10.0.0.1 to 02:00:00:00:aa:01",
                "38000 solicit 10.0.0.1 to 02:00:00:00:aa:01"), events);
        assertNull(cache.state(PEER), "three unanswered probes: gone");
    }

    @Test
    void delayEndsQuietlyWhenAnUpperLayerConfirmsProgress() {
        cache.learn(PEER, MAC, true, 0);
        assertEquals(NeighborCache.State.STALE, cache.state(PEER), "unsolicited news makes a STALE entry");
        cache.resolve(PEER, S);
        cache.hint(PEER, 2 * S);
        cache.poll(6 * S);
        assertEquals(NeighborCache.State.REACHABLE, cache.state(PEER));
        assertEquals(List.of(), events);
    }

    @Test
    void sameAddressNewsKeepsTheStateAndANewAddressMakesItStale() {
        cache.confirm(PEER, MAC, 0);
        cache.learn(PEER, MAC, true, S);
        assertEquals(NeighborCache.State.REACHABLE, cache.state(PEER));
        MacAddress other = MacAddress.of("02:00:00:00:aa:02");
        cache.learn(PEER, other, true, S);
        assertEquals(NeighborCache.State.STALE, cache.state(PEER));
        assertEquals(other, cache.peek(PEER));
        cache.learn(IpAddress.parse("10.0.0.2"), MAC, false, S);
        assertNull(cache.state(IpAddress.parse("10.0.0.2")), "news about a stranger adds nothing when told so");
    }

    @Test
    void theTableIsBoundedUnderAFloodOfNewTargets() {
        for (int i = 0; i < 5000; i++) {
            cache.resolve(IpAddress.v4(0x0a000000 + i), 0);
        }
        assertEquals(NeighborCache.MAX_ENTRIES, cache.size());
    }
}
