package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;
import org.tapline.stack.FrameOut;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.neighbor.NeighborCache;

/**
 * IPv4 output for a host (RFC 1122 §3.3.1): the route picks the interface and next hop, the path
 * MTU decides whether to fragment (RFC 791 §3.2) or refuse (DF), and on Ethernet the next hop's
 * MAC comes from the neighbour cache, which queues a few datagrams while it resolves. On a raw-IP
 * link (TUN) the datagram is the frame. Datagrams are written into one reused buffer, after room
 * for the Ethernet header; nothing is allocated unless a datagram must wait for resolution.
 */
public final class Ipv4Output {
    private static final int LINK_HEADER = Ethernet.HEADER_LENGTH;
    /** RFC 1112 §6.4: 01-00-5E-00-00-00 plus the group's low 23 bits. */
    private static final long MULTICAST_MAC = 0x01005e000000L;

    /** Takes a datagram to one of our own addresses, to be received without the link. */
    @FunctionalInterface
    public interface Loopback {
        /** Returns false when the loopback queue is full. */
        boolean loop(MemorySegment datagram, long now);
    }

    private final MacAddress mac;
    private final List<Ipv4Interface> interfaces;
    private final Ipv4Input.Addresses ours;
    private final Loopback loopback;
    private final RouteTable routes;
    private final NeighborCache neighbors;
    private final Ipv4PathMtu pathMtu;
    private final Ipv4Counters counters;
    private final FrameOut out;
    private final MemorySegment buffer;
    private final int mtu;
    private int nextId;

    /**
     * @param mac       our MAC, or {@code null} on a raw-IP link
     * @param neighbors the ARP cache, or {@code null} on a raw-IP link
     * @param buffer    at least {@code mtu} + 14 bytes, used for every datagram sent
     */
    public Ipv4Output(MacAddress mac, List<Ipv4Interface> interfaces, RouteTable routes, NeighborCache neighbors,
                      Ipv4PathMtu pathMtu, Ipv4Counters counters, int mtu, MemorySegment buffer, FrameOut out,
                      Ipv4Input.Addresses ours, Loopback loopback) {
        this.mac = mac;
        this.interfaces = interfaces;
        this.ours = ours;
        this.loopback = loopback;
        this.routes = routes;
        this.neighbors = neighbors;
        this.pathMtu = pathMtu;
        this.counters = counters;
        this.mtu = mtu;
        this.buffer = buffer;
        this.out = out;
    }

    public IpOutput.Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                                MemorySegment payload, int length, long now) {
        counters.outRequests++;
        int dst = destination.v4Bits();
        if (ours.owns(dst)) {
            return loop(source == null ? destination : source, destination, protocol, ttl, flags, payload, length, now);
        }
        int nextHop = dst;
        if (dst != -1) {
            RouteTable.Route route = routes.lookup(destination, now);
            if (route == null || interfaces.isEmpty()) {
                counters.outNoRoutes++;
                return IpOutput.Result.NO_ROUTE;
            }
            if (route.gateway() != null) {
                nextHop = route.gateway().v4Bits();
            }
        } else if (interfaces.isEmpty()) {
            counters.outNoRoutes++;
            return IpOutput.Result.NO_ROUTE;
        }
        if (source == null) {
            source = sourceFor(destination, now);
        }
        int pmtu = pathMtu.get(destination, mtu);
        // A path below 552 bytes is "locked" (see Ipv4PathMtu): DF is not set, routers fragment.
        boolean df = (flags & IpOutput.DONT_FRAGMENT) != 0 && !pathMtu.locked(destination);
        int total = Ipv4.MIN_HEADER_LENGTH + length;
        if (total > Ipv4Reassembly.MAX_DATAGRAM || total > pmtu && df) {
            counters.fragFails++;
            return IpOutput.Result.TOO_BIG;
        }
        MacAddress to = null;
        if (mac != null) {
            to = linkAddress(dst, nextHop, now);
        }
        int id = nextId++ & 0xffff;
        int ttlOut = ttl < 0 ? Ipv4Header.DEFAULT_TTL : ttl;
        if (total <= pmtu) {
            new Ipv4Header(0, id, df, false, 0, ttlOut, protocol, source.toIpv4(), destination.toIpv4(), length)
                    .emitTo(buffer, LINK_HEADER);
            MemorySegment.copy(payload, 0, buffer, LINK_HEADER + Ipv4.MIN_HEADER_LENGTH, length);
            return emit(to, nextHop, total);
        }
        // RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes.
        int per = (pmtu - Ipv4.MIN_HEADER_LENGTH) & ~7;
        IpOutput.Result result = IpOutput.Result.SENT;
        for (int off = 0; off < length; off += per) {
            int n = Math.min(per, length - off);
            new Ipv4Header(0, id, false, off + n < length, off, ttlOut, protocol, source.toIpv4(), destination.toIpv4(), n)
                    .emitTo(buffer, LINK_HEADER);
            MemorySegment.copy(payload, off, buffer, LINK_HEADER + Ipv4.MIN_HEADER_LENGTH, n);
            counters.fragCreates++;
            IpOutput.Result r = emit(to, nextHop, Ipv4.MIN_HEADER_LENGTH + n);
            if (r != IpOutput.Result.SENT) {
                result = r;
            }
        }
        counters.fragOKs++;
        return result;
    }

    /** The address of ours that the route to {@code destination} goes out from, or {@code null}. */
    public IpAddress sourceFor(IpAddress destination, long now) {
        if (interfaces.isEmpty()) {
            return null;
        }
        if (ours.owns(destination.v4Bits())) {
            return destination; // to ourselves, from the same address (as Linux does over lo)
        }
        if (destination.v4Bits() == -1) {
            return IpAddress.of(interfaces.getFirst().address());
        }
        RouteTable.Route route = routes.lookup(destination, now);
        return route == null ? null : IpAddress.of(interfaces.get(route.ifIndex()).address());
    }

    /** A datagram to one of our own addresses: whole (no link, no MTU), into the loopback queue. */
    private IpOutput.Result loop(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                                 MemorySegment payload, int length, long now) {
        int total = Ipv4.MIN_HEADER_LENGTH + length;
        if (total > Ipv4Reassembly.MAX_DATAGRAM) {
            counters.fragFails++;
            return IpOutput.Result.TOO_BIG;
        }
        new Ipv4Header(0, nextId++ & 0xffff, (flags & IpOutput.DONT_FRAGMENT) != 0, false, 0,
                ttl < 0 ? Ipv4Header.DEFAULT_TTL : ttl, protocol, source.toIpv4(), destination.toIpv4(), length)
                .emitTo(buffer, LINK_HEADER);
        MemorySegment.copy(payload, 0, buffer, LINK_HEADER + Ipv4.MIN_HEADER_LENGTH, length);
        if (!loopback.loop(buffer.asSlice(LINK_HEADER, total), now)) {
            counters.outDiscards++;
            return IpOutput.Result.DROPPED;
        }
        return IpOutput.Result.SENT;
    }

    /** The path MTU towards {@code destination}. */
    public int pathMtu(IpAddress destination) {
        return pathMtu.get(destination, mtu);
    }

    public int mtu() {
        return mtu;
    }

    /** The MAC for the next hop: broadcast or a group's own, or from the cache; {@code null} while resolving. */
    private MacAddress linkAddress(int dst, int nextHop, long now) {
        if (dst == -1 || isDirectedBroadcast(dst)) {
            return MacAddress.BROADCAST;
        }
        if ((dst >>> 28) == 0xe) {
            return new MacAddress(MULTICAST_MAC | (dst & 0x7fffff));
        }
        return neighbors.resolve(IpAddress.v4(nextHop), now);
    }

    private boolean isDirectedBroadcast(int ip) {
        for (Ipv4Interface a : interfaces) {
            if (a.isDirectedBroadcast(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Sends the datagram of {@code length} bytes at offset 14 of the buffer, or queues it for resolution. */
    private IpOutput.Result emit(MacAddress to, int nextHop, int length) {
        if (mac == null) {
            out.send(buffer.asSlice(LINK_HEADER, length));
            return IpOutput.Result.SENT;
        }
        if (to == null) {
            if (!neighbors.enqueue(IpAddress.v4(nextHop), buffer.asSlice(LINK_HEADER, length))) {
                counters.outDiscards++;
                return IpOutput.Result.DROPPED;
            }
            return IpOutput.Result.QUEUED;
        }
        new EthernetHeader(to, mac, Ethernet.TYPE_IPV4).emitTo(buffer, 0);
        out.send(buffer.asSlice(0, LINK_HEADER + length));
        return IpOutput.Result.SENT;
    }
}
