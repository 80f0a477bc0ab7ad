package org.tapline.stack.ip6;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.RouteTable;

/**
 * IPv6 output on one Ethernet link (RFC 8200, RFC 4861 §5.2): the next hop from the route table
 * (link-local destinations are on-link), its MAC from the neighbour cache (the datagram waits
 * there while it resolves), multicast to 33:33:xx (RFC 2464 §7), and fragmentation at the source
 * when the datagram is larger than the path MTU (RFC 8200 §4.5) with a random 32-bit
 * identification (RFC 7739). Writes frames into one reused buffer.
 */
final class Ipv6Output {
    static final int HEADER = 40;
    static final int FRAGMENT_HEADER = 8;
    /** Linux's default hop limit (net.ipv6.conf.*.hop_limit); an RA's Cur Hop Limit replaces it. */
    static final int DEFAULT_HOP_LIMIT = 64;
    private static final int ETH = Ethernet.HEADER_LENGTH;

    private final Ipv6Host host;
    private final MemorySegment buffer;
    int linkMtu;
    int hopLimit = DEFAULT_HOP_LIMIT;

    Ipv6Output(Ipv6Host host, int linkMtu, MemorySegment buffer) {
        this.host = host;
        this.linkMtu = linkMtu;
        this.buffer = buffer;
    }

    /** A transport's or ICMPv6's datagram (see {@link IpOutput#send}). */
    IpOutput.Result send(IpAddress src, IpAddress dst, int nh, int hop, int flags, MemorySegment payload, int len,
                         long now) {
        Ipv6Counters c = host.counters;
        c.outRequests++;
        MacAddress to = null;
        IpAddress nextHop = null;
        if (Wire.isMulticast(dst)) {
            to = Wire.groupMac(dst);
        } else {
            nextHop = nextHop(dst, now);
            if (nextHop == null) {
                c.outNoRoutes++;
                return IpOutput.Result.NO_ROUTE;
            }
        }
        int hops = hop < 0 ? hopLimit : hop;
        int mtu = host.pmtu.get(dst, linkMtu, now);
        if (HEADER + len <= mtu) {
            return frame(to, nextHop, src, dst, nh, hops, payload, 0, len, -1, false, 0, now);
        }
        c.outFragReqds++;
        if ((flags & IpOutput.DONT_FRAGMENT) != 0 || len > 65535 - FRAGMENT_HEADER) {
            c.outFragFails++;
            return IpOutput.Result.TOO_BIG;
        }
        // RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes.
        int chunk = (mtu - HEADER - FRAGMENT_HEADER) & ~7;
        int id = host.random.nextInt();
        IpOutput.Result result = IpOutput.Result.SENT;
        for (int off = 0; off < len; off += chunk) {
            int n = Math.min(chunk, len - off);
            IpOutput.Result r = frame(to, nextHop, src, dst, nh, hops, payload, off, n, off, off + n < len, id, now);
            if (r == IpOutput.Result.DROPPED) {
                result = r;
            } else if (r == IpOutput.Result.QUEUED && result == IpOutput.Result.SENT) {
                result = r;
            }
            c.outFragCreates++;
        }
        if (result == IpOutput.Result.DROPPED) {
            c.outFragFails++;
        } else {
            c.outFragOKs++;
        }
        return result;
    }

    /**
     * An NDP or MLD message to link address {@code to} (never resolved: NDP must not wait on
     * itself), hop limit {@code hop}; {@code routerAlert} puts the hop-by-hop Router Alert option
     * MLD needs (RFC 3810 §5, RFC 2711) in front.
     */
    void sendLink(MacAddress to, IpAddress src, IpAddress dst, int hop, boolean routerAlert, MemorySegment payload,
                  int len) {
        host.counters.outRequests++;
        int at = ETH + HEADER;
        int nh = org.tapline.packet.IpPacket.PROTO_ICMPV6;
        if (routerAlert) {
            // Next header, length 0 (8 bytes), Router Alert (type 5, length 2, value 0: MLD), PadN of 2.
            Wire.put8(buffer, at, nh);
            Wire.put8(buffer, at + 1, 0);
            Wire.put32(buffer, at + 2, 0x0502_0000L);
            Wire.put16(buffer, at + 6, 0x0100);
            at += 8;
            nh = 0;
        }
        MemorySegment.copy(payload, 0, buffer, at, len);
        header(src, dst, nh, hop, at - ETH - HEADER + len);
        transmit(to, at + len);
    }

    /** Sends {@code packet} (an IPv6 datagram that waited in the neighbour cache) to {@code to}. */
    void sendQueued(MacAddress to, MemorySegment packet) {
        MemorySegment.copy(packet, 0, buffer, ETH, packet.byteSize());
        transmit(to, ETH + (int) packet.byteSize());
    }

    /** The next hop towards unicast {@code dst}, or null without a route (RFC 4861 §5.2). */
    IpAddress nextHop(IpAddress dst, long now) {
        if (Wire.isLinkLocal(dst)) {
            return dst;
        }
        RouteTable.Route r = host.routes.lookup(dst, now);
        if (r == null) {
            return null;
        }
        return r.gateway() == null ? dst : r.gateway();
    }

    /** Writes one datagram (or one fragment of it, {@code fragOff} >= 0) and sends or queues it. */
    private IpOutput.Result frame(MacAddress to, IpAddress nextHop, IpAddress src, IpAddress dst, int nh, int hop,
                                  MemorySegment payload, int off, int len, int fragOff, boolean more, int id,
                                  long now) {
        MacAddress mac = to;
        if (mac == null) {
            // Resolve before writing: a solicitation it sends uses the same buffer.
            mac = host.neighbors.resolve(nextHop, now);
        }
        int at = ETH + HEADER;
        int first = nh;
        if (fragOff >= 0) {
            Wire.put8(buffer, at, nh);
            Wire.put8(buffer, at + 1, 0);
            Wire.put16(buffer, at + 2, fragOff | (more ? 1 : 0));
            Wire.put32(buffer, at + 4, id);
            at += FRAGMENT_HEADER;
            first = org.tapline.packet.Ipv6.FRAGMENT;
        }
        MemorySegment.copy(payload, off, buffer, at, len);
        header(src, dst, first, hop, at - ETH - HEADER + len);
        if (mac == null) {
            if (host.neighbors.enqueue(nextHop, buffer.asSlice(ETH, at - ETH + len))) {
                return IpOutput.Result.QUEUED;
            }
            host.counters.outDiscards++;
            return IpOutput.Result.DROPPED;
        }
        transmit(mac, at + len);
        return IpOutput.Result.SENT;
    }

    private void header(IpAddress src, IpAddress dst, int nh, int hop, int payloadLength) {
        Wire.put32(buffer, ETH, 6L << 28);
        Wire.put16(buffer, ETH + 4, payloadLength);
        Wire.put8(buffer, ETH + 6, nh);
        Wire.put8(buffer, ETH + 7, hop);
        src.toIpv6().writeTo(buffer, ETH + 8);
        dst.toIpv6().writeTo(buffer, ETH + 24);
    }

    private void transmit(MacAddress to, int length) {
        new EthernetHeader(to, host.mac, Ethernet.TYPE_IPV6).emitTo(buffer, 0);
        host.counters.outTransmits++;
        if ((to.bits() >>> 32) == 0x3333) {
            host.counters.outMcastPkts++;
        }
        host.out.send(buffer.asSlice(0, length));
    }
}
