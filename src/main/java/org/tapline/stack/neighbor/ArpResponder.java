package org.tapline.stack.neighbor;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Arp;
import org.tapline.packet.ArpMessage;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Ethernet;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/**
 * RFC 826's packet reception algorithm for Ethernet/IPv4 over the {@link NeighborCache}: answer
 * requests for our own addresses only; a request for us makes its sender's entry STALE (it is
 * news, not a confirmation, as Linux treats it), a reply to us confirms an entry we have (we
 * asked: REACHABLE); any other ARP updates an entry we already have (RFC 826's merge) and creates
 * none. Pure: frames are written into the buffer the caller gives.
 */
public final class ArpResponder {
    /** What {@link #receive} did with a message. */
    public enum Outcome { ANSWERED, LEARNED, IGNORED, MALFORMED }

    /** Whether an IPv4 address is one of ours. */
    @FunctionalInterface
    public interface Owned {
        boolean owns(int ip);
    }

    private final MacAddress mac;
    private final Owned owned;
    private final NeighborCache cache;
    /** Length of the reply {@link #receive} last wrote, 0 if none. */
    private int replyLength;

    public ArpResponder(MacAddress mac, Owned owned, NeighborCache cache) {
        this.mac = mac;
        this.owned = owned;
        this.cache = cache;
    }

    /**
     * Handles the ARP packet {@code view}; if it asks for one of our addresses, writes the
     * Ethernet frame of the reply at the start of {@code out} (see {@link #replyLength}).
     */
    public Outcome receive(Arp view, long now, MemorySegment out) {
        replyLength = 0;
        if (view == null || view.problem() != null) {
            return Outcome.MALFORMED;
        }
        if (!view.isEthernetIpv4()) {
            return Outcome.IGNORED; // RFC 826: "?Do I have the hardware type / speak the protocol" - no
        }
        ArpMessage m = ArpMessage.parse(view);
        if (isGroup(m.senderMac())) {
            return Outcome.MALFORMED; // no station has a broadcast or multicast address
        }
        int spa = m.senderIp().bits();
        boolean forUs = owned.owns(m.targetIp().bits());
        if (spa != 0 && !owned.owns(spa)) {
            IpAddress sender = IpAddress.v4(spa);
            if (forUs && m.operation() == Arp.OP_REPLY && cache.state(sender) != null) {
                cache.confirm(sender, m.senderMac(), now);
            } else {
                // "Am I the target? Yes: add the triplet" (a request for us); else only RFC 826's merge.
                cache.learn(sender, m.senderMac(), forUs && m.operation() == Arp.OP_REQUEST, now);
            }
        }
        // A sender address of 0.0.0.0 is an RFC 5227 probe: nothing to learn, but answered.
        if (!forUs) {
            return cache.state(IpAddress.v4(spa)) != null ? Outcome.LEARNED : Outcome.IGNORED;
        }
        if (m.operation() != Arp.OP_REQUEST) {
            return Outcome.LEARNED;
        }
        ArpMessage reply = ArpMessage.reply(mac, m.targetIp(), m.senderMac(), m.senderIp());
        int n = new EthernetHeader(m.senderMac(), mac, Ethernet.TYPE_ARP).emitTo(out, 0);
        replyLength = n + reply.emitTo(out, n);
        return Outcome.ANSWERED;
    }

    /** Bytes of the reply the last {@link #receive} wrote at the start of its buffer. */
    public int replyLength() {
        return replyLength;
    }

    /**
     * Writes a gratuitous ARP for {@code ip} at the start of {@code out} and returns its length: a
     * broadcast request whose sender and target are both {@code ip} (RFC 5227 §3, "ARP
     * Announcement"), which updates neighbours' caches.
     */
    public int announce(Ipv4Address ip, MemorySegment out) {
        ArpMessage m = ArpMessage.request(mac, ip, ip);
        int n = new EthernetHeader(MacAddress.BROADCAST, mac, Ethernet.TYPE_ARP).emitTo(out, 0);
        return n + m.emitTo(out, n);
    }

    /** The I/G bit of the first octet (IEEE 802-2014 §8.2). */
    public static boolean isGroup(MacAddress a) {
        return (a.bits() & 0x0100_0000_0000L) != 0;
    }
}
