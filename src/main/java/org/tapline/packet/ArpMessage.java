package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An Ethernet/IPv4 ARP request or reply (RFC 826), parsed from or emitted to 28 bytes.
 *
 * @param operation {@link Arp#OP_REQUEST} or {@link Arp#OP_REPLY}
 */
public record ArpMessage(int operation, MacAddress senderMac, Ipv4Address senderIp,
                         MacAddress targetMac, Ipv4Address targetIp) {

    /** "who-has {@code target} tell {@code senderIp}": target MAC unknown, hence zero. */
    public static ArpMessage request(MacAddress senderMac, Ipv4Address senderIp, Ipv4Address target) {
        return new ArpMessage(Arp.OP_REQUEST, senderMac, senderIp, MacAddress.ZERO, target);
    }

    /** "{@code senderIp} is-at {@code senderMac}", addressed to the requester. */
    public static ArpMessage reply(MacAddress senderMac, Ipv4Address senderIp,
                                   MacAddress targetMac, Ipv4Address targetIp) {
        return new ArpMessage(Arp.OP_REPLY, senderMac, senderIp, targetMac, targetIp);
    }

    /** The message in {@code view}, or {@code null} if it is not a complete Ethernet/IPv4 ARP. */
    public static ArpMessage parse(Arp view) {
        if (view == null || view.problem() != null || !view.isEthernetIpv4()) {
            return null;
        }
        return new ArpMessage(view.operation(), view.senderMac(), view.senderIp(),
                view.targetMac(), view.targetIp());
    }

    /** Bytes {@link #emitTo} writes. */
    public int length() {
        return Arp.ETHERNET_IPV4_LENGTH;
    }

    /** Writes the 28-byte packet at {@code off}; returns the bytes written. */
    public int emitTo(MemorySegment seg, long off) {
        BigEndian.put16(seg, off + Arp.HTYPE, Arp.HTYPE_ETHERNET);
        BigEndian.put16(seg, off + Arp.PTYPE, Ethernet.TYPE_IPV4);
        BigEndian.put8(seg, off + Arp.HLEN, MacAddress.LENGTH);
        BigEndian.put8(seg, off + Arp.PLEN, Ipv4Address.LENGTH);
        BigEndian.put16(seg, off + Arp.OPER, operation);
        senderMac.writeTo(seg, off + Arp.SHA);
        senderIp.writeTo(seg, off + Arp.SPA);
        targetMac.writeTo(seg, off + Arp.THA);
        targetIp.writeTo(seg, off + Arp.TPA);
        return length();
    }
}
