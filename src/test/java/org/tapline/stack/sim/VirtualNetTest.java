package org.tapline.stack.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Ethernet;
import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.neighbor.NeighborCache;

/** Two real Hosts over faulty wires in virtual time: ARP, ping, a bulk transfer, the same run for the same seed. */
class VirtualNetTest {
    private static final long MS = Faults.MS;
    private static final long SECOND = VirtualNet.SECOND;
    private static final int PING_DATA = 56;

    /** Echo replies that reach A intact, by sequence number, in arrival order. */
    private final List<Integer> replies = new ArrayList<>();

    private static IpOutput.Result ping(VirtualNet net, int seq) {
        MemorySegment p = MemorySegment.ofArray(new byte[Icmp.HEADER_LENGTH + PING_DATA]);
        for (int i = 0; i < PING_DATA; i++) {
            p.set(ValueLayout.JAVA_BYTE, Icmp.HEADER_LENGTH + i, (byte) i);
        }
        new IcmpEcho(false, 0x7a7a, seq).emitTo(p, 0, PING_DATA);
        return net.a().send(VirtualNet.addressA(), VirtualNet.addressB(), IpPacket.PROTO_ICMP, -1, 0, p,
                (int) p.byteSize(), net.now());
    }

    private void watchReplies(VirtualNet net) {
        net.observe((toB, now, frame) -> {
            Ethernet eth = Ethernet.of(frame, 0, frame.byteSize());
            if (toB || eth == null || eth.problem() != null || eth.etherType() != Ethernet.TYPE_IPV4) {
                return;
            }
            Ipv4 ip = Ipv4.of(frame, eth.payloadOffset(), eth.payloadLength());
            if (ip == null || ip.problem() != null || !ip.headerChecksumOk() || ip.protocol() != IpPacket.PROTO_ICMP) {
                return;
            }
            Icmp icmp = Icmp.of(ip);
            if (icmp != null && icmp.checksumOk() && icmp.type() == Icmp.ECHO_REPLY) {
                replies.add(icmp.sequence());
            }
        });
    }

    private static final IpAddress B = IpAddress.of(VirtualNet.B_ADDRESS.address());

    /**
     * The hosts' IPv6 start-up (DAD, MLD reports, three router solicitations 4 s apart: RFC 4861
     * §6.3.7) is over by then, so the wires carry only what a test sends.
     */
    private static final long QUIET = 15 * SECOND;

    /**
     * A resolves B over a clean 1 ms wire once the start-up chatter is over: the first ping waits
     * for ARP (one round trip) and is answered once it resolves.
     */
    private VirtualNet resolved(long seed) {
        VirtualNet net = new VirtualNet(Faults.NONE.withDelay(MS), seed);
        watchReplies(net);
        net.start();
        net.runFor(QUIET);
        long t0 = net.now();
        assertEquals(IpOutput.Result.QUEUED, ping(net, 0), "no MAC for B yet: an ARP request goes out, the ping waits");
        assertTrue(net.runUntil(() -> net.a().arpCache().state(B) == NeighborCache.State.REACHABLE, net.now() + SECOND));
        assertEquals(t0 + 2 * MS, net.now(), "one round trip");
        assertEquals(1, net.countersB().arpAnswered);
        assertTrue(net.runUntil(() -> !replies.isEmpty(), net.now() + SECOND));
        assertEquals(List.of(0), replies, "the ping that waited is sent and answered");
        replies.clear();
        return net;
    }

    @Test
    void hostsResolveEachOtherAndPingIsAnswered() {
        VirtualNet net = resolved(1);
        assertEquals(NeighborCache.State.REACHABLE, net.a().arpCache().state(B));
        long sent = net.now();
        assertEquals(IpOutput.Result.SENT, ping(net, 1));
        assertTrue(net.runUntil(() -> !replies.isEmpty(), net.now() + SECOND));
        assertEquals(List.of(1), replies);
        assertEquals(sent + 2 * MS, net.now());
        assertEquals(2, net.countersB().echoesAnswered, "the ping that waited for ARP and this one");
        assertEquals(0, net.countersA().malformed + net.countersB().malformed);
    }

    @Test
    void timersRunAtTheirDeadlinesInVirtualTime() {
        VirtualNet net = resolved(2);
        net.runFor(NeighborCache.REACHABLE_NANOS);
        assertEquals(NeighborCache.State.STALE, net.a().arpCache().state(B));
        net.runFor(NeighborCache.STALE_NANOS);
        assertEquals(null, net.a().arpCache().state(B), "expired after reachable + stale time");
    }

    /** 300 pings, 5 ms apart, after ARP, through wires that drop, duplicate, reorder and corrupt. */
    private String faultyPings(long seed) {
        VirtualNet net = resolved(seed);
        Faults f = Faults.NONE.withDelay(3 * MS).withJitter(MS).withDrop(0.05).withDuplicate(0.05)
                .withReorder(0.1, 12 * MS).withCorrupt(0.05);
        net.aToB().setFaults(f);
        net.bToA().setFaults(f);
        net.aToB().resetCounters();
        net.bToA().resetCounters();
        long malformedA = net.countersA().malformed;
        long malformedB = net.countersB().malformed;
        long answered = net.countersB().echoesAnswered;
        for (int i = 0; i < 300; i++) {
            int seq = 100 + i;
            net.at(net.now() + i * 5 * MS, () -> ping(net, seq));
        }
        net.runFor(2 * SECOND);
        FaultyWire ab = net.aToB();
        FaultyWire ba = net.bToA();
        assertEquals(300, ab.sent);
        assertTrue(ab.dropped > 0 && ab.duplicated > 0 && ab.reordered > 0 && ab.corrupted > 0, ab.line());
        assertTrue(ba.dropped > 0 && ba.duplicated > 0 && ba.reordered > 0 && ba.corrupted > 0, ba.line());
        // every corrupted copy is caught by a checksum and counted; every intact request answered
        assertEquals(ab.corrupted, net.countersB().malformed - malformedB, ab.line());
        assertEquals(ab.delivered - ab.corrupted, net.countersB().echoesAnswered - answered);
        assertEquals(ba.sent, net.countersB().echoesAnswered - answered);
        assertEquals(ba.corrupted, net.countersA().malformed - malformedA, ba.line());
        assertEquals(ba.delivered - ba.corrupted, replies.size());
        assertTrue(replies.stream().distinct().count() < replies.size(), "duplicates arrive twice");
        boolean overtaken = false;
        for (int i = 1; i < replies.size(); i++) {
            overtaken |= replies.get(i) < replies.get(i - 1);
        }
        assertTrue(overtaken, "reordered replies arrive after later ones");
        return ab.line() + " / " + ba.line() + " / " + replies + " @" + net.now() + " after " + net.eventsRun();
    }

    @Test
    void faultsShowInTheCountersAndTheSameSeedGivesTheSameRun() {
        String first = faultyPings(11);
        replies.clear();
        String again = faultyPings(11);
        replies.clear();
        String other = faultyPings(12);
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void aTransferGetsThroughEveryFault() {
        Faults f = Faults.of(0.02, 10 * MS).withDuplicate(0.02).withReorder(0.05, 4 * MS).withCorrupt(0.02)
                .withJitter(MS).withRate(50_000_000, 64 * 1024);
        BlastTransfer t = new BlastTransfer(32);
        VirtualNet.Throughput r = VirtualNet.transfer(t, 1 << 20, f, 5, 60 * SECOND);
        assertTrue(r.finished(), r.row());
        assertEquals(1 << 20, r.delivered());
        assertTrue(t.retransmits > 0 && r.lost() > 0, r.row());
        VirtualNet.Throughput same = VirtualNet.transfer(new BlastTransfer(32), 1 << 20, f, 5, 60 * SECOND);
        assertEquals(r, same, "same seed, same run");
    }

    /**
     * The throughput table, as smoltcp's simulator snapshot prints one: read, not asserted. The
     * stand-in sender ({@link BlastTransfer}) has no congestion control; TCP will replace it here.
     */
    @Test
    void throughputTable() {
        long[] rtts = {MS, 10 * MS, 50 * MS};
        double[] losses = {0, 0.01, 0.05};
        StringBuilder table = new StringBuilder(VirtualNet.Throughput.header()).append('\n');
        for (long rtt : rtts) {
            for (double loss : losses) {
                Faults f = Faults.of(loss, rtt).withRate(100_000_000, 256 * 1024);
                VirtualNet.Throughput r = VirtualNet.transfer(new BlastTransfer(64), 2 << 20, f, 1, 120 * SECOND);
                assertTrue(r.finished(), r.row());
                table.append(r.row()).append('\n');
            }
        }
        System.out.print(table);
    }
}
