package org.tapline.stack.neighbor;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Arp;
import org.tapline.packet.ArpMessage;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Ethernet;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.MacAddress;

/**
 * RFC 826's packet reception algorithm for Ethernet/IPv4: learn the sender, answer requests for
 * our own addresses only. Pure: frames are written into the buffer the caller gives.
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
    private final ArpCache cache;
    /** Length of the reply {@link #receive} last wrote, 0 if none. */
    private int replyLength;

    public ArpResponder(MacAddress mac, Owned owned, ArpCache cache) {
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
        // RFC 826: update an existing pair whoever the target is ("Merge_flag").
        boolean merged = false;
        if (spa != 0 && cache.contains(spa)) {
            cache.confirm(spa, m.senderMac(), now);
            merged = true;
        }
        if (!owned.owns(m.targetIp().bits())) {
            return merged ? Outcome.LEARNED : Outcome.IGNORED;
        }
        // "Am I the target protocol address? Yes: if Merge_flag is false, add the triplet."
        // A sender address of 0.0.0.0 is an RFC 5227 probe: nothing to learn, but answered.
        if (spa != 0 && !merged) {
            cache.confirm(spa, m.senderMac(), now);
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
