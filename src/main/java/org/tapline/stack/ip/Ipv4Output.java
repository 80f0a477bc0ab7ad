package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.tapline.packet.ArpMessage;
import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;
import org.tapline.stack.FrameOut;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.neighbor.ArpCache;

/**
 * IPv4 output on one Ethernet link (RFC 1122 §3.3.1): on-link destinations only, the next hop's
 * MAC from the ARP cache; an unresolved next hop gets an ARP request and the datagram is dropped
 * (counted). Writes frames into one reused buffer.
 */
public final class Ipv4Output {
    private final MacAddress mac;
    private final List<Ipv4Interface> addresses;
    private final ArpCache cache;
    private final FrameOut out;
    private final MemorySegment buffer;
    private final int mtu;
    private int nextId;

    public Ipv4Output(MacAddress mac, List<Ipv4Interface> addresses, ArpCache cache, int mtu, MemorySegment buffer,
                      FrameOut out) {
        this.mac = mac;
        this.addresses = addresses;
        this.cache = cache;
        this.mtu = mtu;
        this.buffer = buffer;
        this.out = out;
    }

    public IpOutput.Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                                MemorySegment payload, int length, long now) {
        int dst = destination.v4Bits();
        Ipv4Interface on = onLink(dst);
        if (on == null) {
            return IpOutput.Result.NO_ROUTE;
        }
        if (Ipv4.MIN_HEADER_LENGTH + length > mtu) {
            return IpOutput.Result.TOO_BIG;
        }
        MacAddress to = dst == -1 || on.isDirectedBroadcast(dst) ? MacAddress.BROADCAST : cache.lookup(dst, now);
        if (to == null) {
            int n = new EthernetHeader(MacAddress.BROADCAST, mac, Ethernet.TYPE_ARP).emitTo(buffer, 0);
            n += ArpMessage.request(mac, on.address(), new Ipv4Address(dst)).emitTo(buffer, n);
            out.send(buffer.asSlice(0, n));
            return IpOutput.Result.DROPPED;
        }
        int at = new EthernetHeader(to, mac, Ethernet.TYPE_IPV4).emitTo(buffer, 0);
        Ipv4Header h = new Ipv4Header(0, nextId++ & 0xffff, (flags & IpOutput.DONT_FRAGMENT) != 0, false, 0,
                ttl < 0 ? Ipv4Header.DEFAULT_TTL : ttl, protocol, source.toIpv4(), destination.toIpv4(), length);
        at += h.emitTo(buffer, at);
        MemorySegment.copy(payload, 0, buffer, at, length);
        out.send(buffer.asSlice(0, at + length));
        return IpOutput.Result.SENT;
    }

    /** Our address whose subnet holds {@code dst}, for a broadcast the first one; null if none. */
    public Ipv4Interface onLink(int dst) {
        for (Ipv4Interface a : addresses) {
            if (dst == -1 || ((dst ^ a.address().bits()) & a.mask()) == 0) {
                return a;
            }
        }
        return null;
    }

    public int mtu() {
        return mtu;
    }
}
