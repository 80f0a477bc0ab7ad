package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpError;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;

/**
 * IPv4 input for a host (RFC 1122 §3.2.1): checks the header, keeps what is for us, reassembles
 * fragments, and hands the datagram to ICMP or its transport; a datagram no transport wants gets
 * protocol or port unreachable ({@link Icmpv4Errors} decides whether it may be sent).
 */
public final class Ipv4Input {
    /** What {@link #receive} did with a datagram. */
    public enum Outcome { ECHO_ANSWERED, DELIVERED, NOT_FOR_US, FRAGMENT_HELD, NO_PORT, UNHANDLED, MALFORMED }

    /** Where datagrams for an upper-layer protocol go. */
    @FunctionalInterface
    public interface Upper {
        /** What the transport did, or {@code null} when none has the datagram's protocol. */
        Transport.Delivery deliver(Datagram d, long now);
    }

    /** Which IPv4 destinations this host accepts. */
    public interface Addresses {
        /** One of our unicast addresses. */
        boolean owns(int ip);

        /** A broadcast address of one of our subnets, or 255.255.255.255. */
        boolean isBroadcast(int ip);
    }

    /** First octets: 224 and above are groups, the limited broadcast and class E; 127 is loopback. */
    private static final int MULTICAST_TOP = 224;
    private static final int LOOPBACK_TOP = 127;

    private final Addresses addresses;
    private final Upper upper;
    private final Ipv4Reassembly reassembly;
    private final Icmpv4 icmp;
    private final Icmpv4Errors errors;
    private final Ipv4Counters counters;
    private final Datagram datagram = new Datagram();

    public Ipv4Input(Addresses addresses, Upper upper, Ipv4Reassembly reassembly, Icmpv4 icmp, Icmpv4Errors errors,
                     Ipv4Counters counters) {
        this.addresses = addresses;
        this.upper = upper;
        this.reassembly = reassembly;
        this.icmp = icmp;
        this.errors = errors;
        this.counters = counters;
    }

    /**
     * Handles the IPv4 datagram at {@code seg[off, off + len)}.
     *
     * @param linkGroup the frame came to a link-layer broadcast or multicast address
     */
    public Outcome receive(MemorySegment seg, long off, long len, boolean linkGroup, long now) {
        counters.inReceives++;
        Ipv4 ip = Ipv4.of(seg, off, len);
        // RFC 1122 §3.2.1.1-3.2.1.2: silently discard a wrong version or checksum; RFC 791: IHL
        // at least 5, total length covering the header and present in the frame (the rest is
        // Ethernet padding).
        if (ip == null || ip.problem() != null || ip.totalLength() > ip.length() || !ip.headerChecksumOk()) {
            counters.inHdrErrors++;
            return Outcome.MALFORMED;
        }
        int dst = ip.destinationBits();
        boolean broadcast = addresses.isBroadcast(dst);
        if (!addresses.owns(dst) && !broadcast) {
            counters.inAddrErrors++;
            return Outcome.NOT_FOR_US;
        }
        // RFC 1122 §3.2.1.3: a source that is a group, the limited broadcast, class E or loopback
        // is no host; such datagrams are silently discarded (Linux's martian sources).
        int srcTop = ip.sourceBits() >>> 24;
        if (srcTop >= MULTICAST_TOP || srcTop == LOOPBACK_TOP) {
            counters.inAddrErrors++;
            return Outcome.NOT_FOR_US;
        }
        if (ip.isFragment()) {
            ip = reassembly.add(ip, now);
            if (ip == null) {
                return Outcome.FRAGMENT_HELD;
            }
        }
        boolean toGroup = broadcast || (dst >>> 24) >= MULTICAST_TOP;
        // Options (IHL > 5) need nothing from a host that neither routes nor records: the
        // transport header is found by IHL, so they are stepped over (RFC 1122 §3.2.1.8).
        if (ip.protocol() == IpPacket.PROTO_ICMP) {
            counters.inDelivers++;
            return switch (icmp.receive(ip, toGroup || linkGroup, now)) {
                case ECHO_ANSWERED -> Outcome.ECHO_ANSWERED;
                case HANDLED -> Outcome.DELIVERED;
                case IGNORED -> Outcome.UNHANDLED;
                case MALFORMED -> Outcome.MALFORMED;
            };
        }
        Datagram d = describe(datagram, ip);
        d.toGroup = toGroup;
        Transport.Delivery delivery = upper.deliver(d, now);
        if (delivery == null) {
            counters.inUnknownProtos++;
            errors.send(Icmp.DEST_UNREACHABLE, IcmpError.PROTOCOL_UNREACHABLE, 0, ip, linkGroup, now);
            return Outcome.UNHANDLED;
        }
        counters.inDelivers++;
        return switch (delivery) {
            case ACCEPTED -> Outcome.DELIVERED;
            case NO_PORT -> {
                errors.send(Icmp.DEST_UNREACHABLE, IcmpError.PORT_UNREACHABLE, 0, ip, linkGroup, now);
                yield Outcome.NO_PORT;
            }
            case MALFORMED -> Outcome.MALFORMED;
        };
    }

    /**
     * Fills {@code d} from datagram {@code ip} (header checked): its addresses and fields, and as
     * message what is present of its upper-layer bytes. Returns {@code d}.
     */
    public static Datagram describe(Datagram d, Ipv4 ip) {
        d.source = IpAddress.v4(ip.sourceBits());
        d.destination = IpAddress.v4(ip.destinationBits());
        d.protocol = ip.protocol();
        d.ttl = ip.ttl();
        d.trafficClass = ip.tos();
        d.toGroup = false;
        d.ifIndex = 0;
        d.segment = ip.segment();
        d.offset = ip.transportOffset();
        d.length = (int) ip.transportLength();
        return d;
    }

    /** A reassembly timed out after its first fragment came: RFC 792 time exceeded, code 1. */
    public void reassemblyTimedOut(MemorySegment first, int length, long now) {
        Ipv4 ip = Ipv4.of(first, 0, length);
        if (ip != null && ip.problem() == null) {
            errors.send(Icmp.TIME_EXCEEDED, IcmpError.REASSEMBLY_EXCEEDED, 0, ip, false, now);
        }
    }
}
