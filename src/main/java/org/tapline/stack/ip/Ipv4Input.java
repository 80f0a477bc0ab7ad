package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;
import org.tapline.stack.neighbor.ArpResponder;

/**
 * IPv4 input for a host (RFC 1122 §3.2.1) and ICMP echo (RFC 792): checks the header, keeps
 * what is for us, answers echo requests. Fragments are dropped (reassembly is a later slice).
 * Pure: the reply is written into the buffer the caller gives.
 */
public final class Ipv4Input {
    /** What {@link #receive} did with a datagram. */
    public enum Outcome { ECHO_ANSWERED, DELIVERED, NOT_FOR_US, FRAGMENT_DROPPED, UNHANDLED, MALFORMED }

    /** Where datagrams for an upper-layer protocol go: {@link #DELIVERED} when it took one. */
    @FunctionalInterface
    public interface Upper {
        /** Returns false when no transport has the datagram's protocol. */
        boolean deliver(Datagram d);
    }

    /** Which IPv4 destinations this host accepts. */
    public interface Addresses {
        /** One of our unicast addresses. */
        boolean owns(int ip);

        /** A broadcast address of one of our subnets, or 255.255.255.255. */
        boolean isBroadcast(int ip);
    }

    private final MacAddress mac;
    private final Addresses addresses;
    private final Upper upper;
    private final Datagram datagram = new Datagram();
    private int nextId;
    private int replyLength;
    private EchoReplies echoReplies;

    public Ipv4Input(MacAddress mac, Addresses addresses, Upper upper) {
        this.mac = mac;
        this.addresses = addresses;
        this.upper = upper;
    }

    /** Where echo replies go (the stack's ping call), or null. */
    public void setEchoReplies(EchoReplies replies) {
        this.echoReplies = replies;
    }

    /**
     * Handles the IPv4 datagram of Ethernet frame {@code eth}, received at {@code now}; for an
     * echo request to one of our addresses, writes the reply frame at the start of {@code out}
     * (see {@link #replyLength}).
     */
    public Outcome receive(Ethernet eth, MemorySegment out, long now) {
        replyLength = 0;
        Ipv4 ip = Ipv4.of(eth.segment(), eth.payloadOffset(), eth.payloadLength());
        // RFC 1122 §3.2.1.1-3.2.1.2: silently discard a wrong version or checksum; RFC 791: IHL
        // at least 5, total length covering the header and present in the frame (the rest is
        // Ethernet padding).
        if (ip == null || ip.problem() != null || ip.totalLength() > ip.length() || !ip.headerChecksumOk()) {
            return Outcome.MALFORMED;
        }
        int dst = ip.destinationBits();
        boolean broadcast = addresses.isBroadcast(dst);
        if (!addresses.owns(dst) && !broadcast) {
            return Outcome.NOT_FOR_US;
        }
        if (ip.isFragment()) {
            return Outcome.FRAGMENT_DROPPED;
        }
        // Options (IHL > 5) need nothing from a host that neither routes nor records: the
        // transport header is found by IHL, so they are stepped over (RFC 1122 §3.2.1.8).
        if (ip.protocol() != IpPacket.PROTO_ICMP) {
            Datagram d = datagram;
            d.source = IpAddress.v4(ip.sourceBits());
            d.destination = IpAddress.v4(dst);
            d.protocol = ip.protocol();
            d.ttl = ip.ttl();
            d.trafficClass = ip.tos();
            d.toGroup = broadcast || (dst >>> 28) == 0xe;
            d.ifIndex = 0;
            d.segment = ip.segment();
            d.offset = ip.transportOffset();
            d.length = ip.totalLength() - ip.headerLength();
            return upper.deliver(d) ? Outcome.DELIVERED : Outcome.UNHANDLED;
        }
        Icmp icmp = Icmp.of(ip);
        if (icmp == null || !icmp.checksumOk()) {
            return Outcome.MALFORMED;
        }
        if (icmp.type() == Icmp.ECHO_REPLY && echoReplies != null && !broadcast) {
            echoReplies.reply(IpAddress.v4(ip.sourceBits()), icmp.identifier(), icmp.sequence(),
                    icmp.segment().asSlice(icmp.dataOffset(), icmp.dataLength()), now);
            return Outcome.DELIVERED;
        }
        if (icmp.type() != Icmp.ECHO_REQUEST) {
            return Outcome.UNHANDLED;
        }
        // Never answer a broadcast ping (RFC 1122 §3.2.2.6 allows silence; Linux's default,
        // icmp_echo_ignore_broadcasts), nor a source that is not one host (§3.2.1.3).
        int src = ip.sourceBits();
        MacAddress to = eth.source();
        if (broadcast || src == 0 || src == -1 || (src >>> 28) == 0xe || addresses.isBroadcast(src)
                || ArpResponder.isGroup(to)) {
            return Outcome.UNHANDLED;
        }
        // The reply goes to the frame's source MAC, the last hop the request came through: no ARP
        // lookup, so no packet waits on resolution (RFC 1122 §2.3.2.2 would have it queued).
        int dataLength = (int) icmp.dataLength();
        int at = new EthernetHeader(to, mac, Ethernet.TYPE_IPV4).emitTo(out, 0);
        Ipv4Header h = new Ipv4Header(0, nextId++ & 0xffff, false, false, 0, Ipv4Header.DEFAULT_TTL,
                IpPacket.PROTO_ICMP, new Ipv4Address(dst), new Ipv4Address(src), Icmp.HEADER_LENGTH + dataLength);
        at += h.emitTo(out, at);
        MemorySegment.copy(icmp.segment(), icmp.dataOffset(), out, at + Icmp.HEADER_LENGTH, dataLength);
        at += new IcmpEcho(true, icmp.identifier(), icmp.sequence()).emitTo(out, at, dataLength);
        replyLength = at + dataLength;
        return Outcome.ECHO_ANSWERED;
    }

    /** Bytes of the reply the last {@link #receive} wrote at the start of its buffer. */
    public int replyLength() {
        return replyLength;
    }
}
