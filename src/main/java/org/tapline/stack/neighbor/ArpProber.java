package org.tapline.stack.neighbor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.tapline.packet.ArpMessage;
import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.MacAddress;
import org.tapline.stack.FrameOut;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.ip.IpAddress;

/**
 * What the IPv4 {@link NeighborCache} sends on Ethernet: ARP requests (RFC 826), broadcast while
 * resolving and unicast to the known MAC while probing (RFC 1122 §2.3.2.1, as Linux's
 * unicast probes), and the datagrams that waited for a MAC. Writes into a buffer of its own, so
 * it may be called while another frame is being built.
 */
public final class ArpProber implements NeighborCache.Prober {
    /** Told of each datagram dropped because its next hop did not answer. */
    @FunctionalInterface
    public interface Unresolved {
        void dropped(MemorySegment datagram, long now);
    }

    private final MacAddress mac;
    private final List<Ipv4Interface> interfaces;
    private final FrameOut out;
    private final Unresolved unresolved;
    private final MemorySegment buffer;

    /** @param mtu the link's MTU: the largest datagram that waits */
    public ArpProber(MacAddress mac, List<Ipv4Interface> interfaces, int mtu, FrameOut out, Unresolved unresolved) {
        this.mac = mac;
        this.interfaces = interfaces;
        this.out = out;
        this.unresolved = unresolved;
        this.buffer = Arena.ofAuto().allocate(Ethernet.HEADER_LENGTH + (long) mtu);
    }

    @Override
    public void solicit(IpAddress target, MacAddress to, long now) {
        if (interfaces.isEmpty()) {
            return;
        }
        int n = new EthernetHeader(to == null ? MacAddress.BROADCAST : to, mac, Ethernet.TYPE_ARP).emitTo(buffer, 0);
        n += ArpMessage.request(mac, senderFor(target.v4Bits()), target.toIpv4()).emitTo(buffer, n);
        out.send(buffer.asSlice(0, n));
    }

    @Override
    public void send(IpAddress target, MacAddress to, MemorySegment datagram, long now) {
        int n = new EthernetHeader(to, mac, Ethernet.TYPE_IPV4).emitTo(buffer, 0);
        MemorySegment.copy(datagram, 0, buffer, n, datagram.byteSize());
        out.send(buffer.asSlice(0, n + datagram.byteSize()));
    }

    @Override
    public void failed(IpAddress target, MemorySegment datagram, long now) {
        unresolved.dropped(datagram, now);
    }

    /** Our address on {@code target}'s subnet (RFC 826 asks with the sender's own pair), else the first. */
    private Ipv4Address senderFor(int target) {
        for (Ipv4Interface a : interfaces) {
            if (((target ^ a.address().bits()) & a.mask()) == 0) {
                return a.address();
            }
        }
        return interfaces.getFirst().address();
    }
}
