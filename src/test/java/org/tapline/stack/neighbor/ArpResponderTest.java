package org.tapline.stack.neighbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Arp;
import org.tapline.packet.ArpMessage;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/** RFC 826's reception rules over the neighbour cache: what is learned, confirmed, merged, answered. */
class ArpResponderTest {
    private static final MacAddress US = MacAddress.of("02:00:00:00:00:01");
    private static final MacAddress PEER = MacAddress.of("02:00:00:00:aa:01");
    private static final MacAddress MOVED = MacAddress.of("02:00:00:00:aa:02");
    private static final Ipv4Address OURS = Ipv4Address.of("10.0.0.124");
    private static final Ipv4Address PEER_IP = Ipv4Address.of("10.0.0.123");
    private static final Ipv4Address OTHER = Ipv4Address.of("10.0.0.50");
    private static final IpAddress PEER_V4 = IpAddress.of(PEER_IP);

    private final NeighborCache cache = new NeighborCache(new NeighborCache.Prober() {
        @Override
        public void solicit(IpAddress target, MacAddress to, long now) {
        }

        @Override
        public void send(IpAddress target, MacAddress mac, MemorySegment datagram, long now) {
        }

        @Override
        public void failed(IpAddress target, MemorySegment datagram, long now) {
        }
    });
    private final ArpResponder arp = new ArpResponder(US, ip -> ip == OURS.bits(), cache);
    private final MemorySegment out = MemorySegment.ofArray(new byte[64]);

    @Test
    void aRequestForUsIsAnsweredAndItsSenderIsStale() {
        assertEquals(ArpResponder.Outcome.ANSWERED, receive(ArpMessage.request(PEER, PEER_IP, OURS)));
        assertEquals(42, arp.replyLength());
        assertEquals(NeighborCache.State.STALE, cache.state(PEER_V4));
    }

    @Test
    void aStrangersRequestCreatesNothingButUpdatesWhatWeHave() {
        assertEquals(ArpResponder.Outcome.IGNORED, receive(ArpMessage.request(PEER, PEER_IP, OTHER)));
        assertNull(cache.state(PEER_V4));
        cache.confirm(PEER_V4, PEER, 0);
        assertEquals(ArpResponder.Outcome.LEARNED, receive(ArpMessage.request(MOVED, PEER_IP, PEER_IP)), "a gratuitous ARP");
        assertEquals(MOVED, cache.peek(PEER_V4));
        assertEquals(NeighborCache.State.STALE, cache.state(PEER_V4), "a new address is news: STALE");
    }

    @Test
    void aReplyConfirmsOnlyWhatWeAskedFor() {
        assertEquals(ArpResponder.Outcome.LEARNED, receive(ArpMessage.reply(PEER, PEER_IP, US, OURS)));
        assertNull(cache.state(PEER_V4), "an unsolicited reply adds nothing (Linux arp_accept 0)");
        cache.resolve(PEER_V4, 0);
        assertEquals(NeighborCache.State.INCOMPLETE, cache.state(PEER_V4));
        receive(ArpMessage.reply(PEER, PEER_IP, US, OURS));
        assertEquals(NeighborCache.State.REACHABLE, cache.state(PEER_V4));
    }

    @Test
    void aProbeIsAnsweredAndAClaimOnOurAddressIsNotLearned() {
        assertEquals(ArpResponder.Outcome.ANSWERED, receive(ArpMessage.request(PEER, Ipv4Address.of("0.0.0.0"), OURS)));
        assertEquals(0, cache.size(), "RFC 5227 probe: nothing to learn");
        receive(ArpMessage.request(PEER, OURS, OURS));
        assertEquals(0, cache.size(), "our own address is never a neighbour");
    }

    @Test
    void aGroupSenderIsMalformed() {
        assertEquals(ArpResponder.Outcome.MALFORMED, receive(ArpMessage.request(MacAddress.BROADCAST, PEER_IP, OURS)));
        assertEquals(0, cache.size());
    }

    private ArpResponder.Outcome receive(ArpMessage m) {
        MemorySegment s = MemorySegment.ofArray(new byte[m.length()]);
        m.emitTo(s, 0);
        return arp.receive(Arp.of(s, 0, s.byteSize()), 1, out);
    }
}
