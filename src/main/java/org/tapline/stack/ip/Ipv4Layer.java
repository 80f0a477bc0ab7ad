package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.tapline.packet.Ipv4;
import org.tapline.packet.MacAddress;
import org.tapline.stack.FrameOut;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.neighbor.ArpProber;
import org.tapline.stack.neighbor.NeighborCache;

/**
 * The IPv4 side of a host, wired together: input with reassembly, ICMP in and out, output with
 * fragmentation, the path MTU cache, the ARP cache (Ethernet only) and the counters. Datagrams to
 * our own addresses never reach the link: they are queued and received on the next poll, so a
 * transport is never re-entered from its own send. The host
 * hands it datagrams and the time; it sends frames through the host's {@link FrameOut}.
 */
public final class Ipv4Layer implements Ipv4Input.Addresses {
    /** Datagrams to ourselves waiting for the next poll (Linux's netdev_max_backlog is 1000). */
    static final int MAX_LOOPED = 1000;

    private final List<Ipv4Interface> interfaces;
    private final IntFunction<Transport> transports;
    private final Ipv4Counters counters = new Ipv4Counters();
    private final IcmpCounters icmpCounters = new IcmpCounters("Icmp");
    private final Ipv4PathMtu pathMtu = new Ipv4PathMtu();
    private final Ipv4Reassembly reassembly = new Ipv4Reassembly(counters);
    /** Null on a raw-IP link. */
    private final NeighborCache arpCache;
    private final Ipv4Output output;
    private final Ipv4Input input;
    /** Datagrams to our own addresses, received on the next {@link #poll}. */
    private final ArrayDeque<MemorySegment> looped = new ArrayDeque<>();
    /** When the oldest looped datagram was sent: {@link #poll} is due then. */
    private long loopedAt;

    /**
     * @param mac         our MAC, or {@code null} on a raw-IP link (no ARP)
     * @param host        how ICMP sends (the host, which routes by family)
     * @param upper       where datagrams for a transport go
     * @param transports  the transport of a protocol number, or {@code null}: for ICMP errors
     * @param echoReplies the stack's echo-reply listener, or {@code null}
     */
    public Ipv4Layer(MacAddress mac, List<Ipv4Interface> interfaces, RouteTable routes, int mtu, MemorySegment buffer,
                     FrameOut out, IpOutput host, Ipv4Input.Upper upper, IntFunction<Transport> transports,
                     Supplier<EchoReplies> echoReplies, IcmpRateLimit rateLimit) {
        this.interfaces = List.copyOf(interfaces);
        this.transports = transports;
        this.arpCache = mac == null ? null : new NeighborCache(new ArpProber(mac, this.interfaces, mtu, out, this::unresolved));
        this.output = new Ipv4Output(mac, this.interfaces, routes, arpCache, pathMtu, counters, mtu, buffer, out, this,
                this::loop);
        Icmpv4Errors errors = new Icmpv4Errors(host, this, rateLimit, icmpCounters);
        Icmpv4 icmp = new Icmpv4(host, this, pathMtu, mtu, transports, echoReplies, icmpCounters);
        this.input = new Ipv4Input(this, upper, reassembly, icmp, errors, counters);
    }

    /** An on-link route for each address, interface index = the address's index. */
    public static void addOnLinkRoutes(List<Ipv4Interface> interfaces, RouteTable routes) {
        for (int i = 0; i < interfaces.size(); i++) {
            Ipv4Interface a = interfaces.get(i);
            routes.add(new RouteTable.Route(IpAddress.of(a.address()), a.prefix(), null, i, 0, Long.MAX_VALUE));
        }
    }

    /** See {@link Ipv4Input#receive}. */
    public Ipv4Input.Outcome receive(MemorySegment seg, long off, long len, boolean linkGroup, long now) {
        return input.receive(seg, off, len, linkGroup, now);
    }

    /** See {@link IpOutput#send}; {@code destination} is IPv4. */
    public IpOutput.Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                                MemorySegment payload, int length, long now) {
        return output.send(source, destination, protocol, ttl, flags, payload, length, now);
    }

    public IpAddress sourceFor(IpAddress destination, long now) {
        return output.sourceFor(destination, now);
    }

    public int pathMtu(IpAddress destination) {
        return output.pathMtu(destination);
    }

    /** Runs the ARP, reassembly and path MTU timers due at {@code now}, and receives what was looped back. */
    public void poll(long now) {
        // Only what was queued before this poll: a datagram that answers itself waits for the next.
        for (int n = looped.size(); n > 0; n--) {
            MemorySegment d = looped.removeFirst();
            input.receive(d, 0, d.byteSize(), false, now);
        }
        if (arpCache != null) {
            arpCache.poll(now);
        }
        reassembly.poll(now, input::reassemblyTimedOut);
        pathMtu.expire(now);
    }

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Math.min(reassembly.nextDeadline(), pathMtu.nextDeadline());
        if (!looped.isEmpty()) {
            next = Math.min(next, loopedAt);
        }
        return arpCache == null ? next : Math.min(next, arpCache.nextDeadline());
    }

    @Override
    public boolean owns(int ip) {
        for (Ipv4Interface a : interfaces) {
            if (a.address().bits() == ip) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isBroadcast(int ip) {
        if (ip == -1) {
            return true;
        }
        for (Ipv4Interface a : interfaces) {
            if (a.isDirectedBroadcast(ip)) {
                return true;
            }
        }
        return false;
    }

    /** The index of our address whose subnet holds {@code ip}, or -1. */
    public int onLink(int ip) {
        for (int i = 0; i < interfaces.size(); i++) {
            Ipv4Interface a = interfaces.get(i);
            if (((ip ^ a.address().bits()) & a.mask()) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Bytes the datagrams being reassembled hold, against {@link Ipv4Reassembly#MAX_BYTES}. */
    public int reassemblyBytes() {
        return reassembly.charged();
    }

    /** The ARP cache; null on a raw-IP link. */
    public NeighborCache arpCache() {
        return arpCache;
    }

    public Ipv4Counters counters() {
        return counters;
    }

    public IcmpCounters icmpCounters() {
        return icmpCounters;
    }

    /** Appends the IP and ICMP counter lines. */
    public void report(StringBuilder out) {
        counters.report(out);
        icmpCounters.report(out);
    }

    /** Keeps a copy of a datagram to ourselves (bounded as a loopback device's backlog is). */
    private boolean loop(MemorySegment datagram, long now) {
        if (looped.size() >= MAX_LOOPED) {
            return false;
        }
        if (looped.isEmpty()) {
            loopedAt = now;
        }
        MemorySegment copy = MemorySegment.ofArray(new byte[(int) datagram.byteSize()]);
        copy.copyFrom(datagram);
        looped.addLast(copy);
        return true;
    }

    /**
     * A datagram dropped because its next hop never answered ARP: RFC 1122 §3.2.2.1 would send
     * host unreachable to its source, which is us, so the transport is told directly.
     */
    private void unresolved(MemorySegment datagram, long now) {
        counters.outDiscards++;
        Ipv4 ip = Ipv4.of(datagram, 0, datagram.byteSize());
        if (ip == null || ip.problem() != null || ip.fragmentOffset() != 0) {
            return;
        }
        Transport t = transports.apply(ip.protocol());
        if (t != null) {
            t.error(IcmpProblem.HOST_UNREACHABLE, 0, Ipv4Input.describe(new Datagram(), ip), now);
        }
    }
}
