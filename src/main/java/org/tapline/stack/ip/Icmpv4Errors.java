package org.tapline.stack.ip;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpError;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;

/**
 * ICMP errors a host sends (RFC 792, RFC 1122 §3.2.2, RFC 1812 §4.3.2.7): never about an ICMP
 * error, a datagram to a broadcast or multicast address or to a link-layer broadcast, a
 * fragment other than the first, or a source that is not one host (zero, broadcast, multicast,
 * class E, loopback); rate limited ({@link IcmpRateLimit}). The error quotes as much of the
 * offending datagram as fits in 576 bytes (RFC 1812 §4.3.2.3), written into a buffer of its own.
 */
public final class Icmpv4Errors {
    /** RFC 1812 §4.3.2.3: the error datagram is at most 576 bytes. */
    static final int MAX_ERROR_DATAGRAM = 576;
    /** RFC 1256 router advertisement and solicitation, RFC 950 address mask reply: queries too. */
    private static final int ROUTER_ADVERTISEMENT = 9;
    private static final int ROUTER_SOLICITATION = 10;
    private static final int ADDRESS_MASK_REPLY = 18;
    private static final int MAX_QUOTE = MAX_ERROR_DATAGRAM - Ipv4.MIN_HEADER_LENGTH - Icmp.HEADER_LENGTH;

    private final IpOutput out;
    private final Ipv4Input.Addresses addresses;
    private final IcmpRateLimit limit;
    private final IcmpCounters counters;
    private final MemorySegment buffer = Arena.ofAuto().allocate(Icmp.HEADER_LENGTH + MAX_QUOTE);

    public Icmpv4Errors(IpOutput out, Ipv4Input.Addresses addresses, IcmpRateLimit limit, IcmpCounters counters) {
        this.out = out;
        this.addresses = addresses;
        this.limit = limit;
        this.counters = counters;
    }

    /**
     * Sends error {@code type}/{@code code} about datagram {@code offending} (its header checked)
     * when the rules allow; returns whether it was sent.
     *
     * @param linkGroup the frame came to a link-layer broadcast or multicast address
     */
    public boolean send(int type, int code, int rest, Ipv4 offending, boolean linkGroup, long now) {
        if (!mayAnswer(offending, linkGroup)) {
            return false;
        }
        IpAddress to = IpAddress.v4(offending.sourceBits());
        if (!limit.allow(to, now)) {
            counters.outRateLimited++;
            return false;
        }
        long start = offending.transportOffset() - offending.headerLength();
        int quote = (int) Math.min(MAX_QUOTE, Math.min(offending.totalLength(), offending.length()));
        MemorySegment.copy(offending.segment(), start, buffer, Icmp.HEADER_LENGTH, quote);
        new IcmpError(type, code, rest).emitTo(buffer, 0, quote);
        IpAddress from = IpAddress.v4(offending.destinationBits());
        if (!out.isLocal(from)) {
            from = out.sourceFor(to);
        }
        counters.outMsgs++;
        if (type == Icmp.TIME_EXCEEDED) {
            counters.outTimeExcds++;
        } else if (type == Icmp.DEST_UNREACHABLE) {
            counters.outDestUnreachs++;
        }
        if (from == null) {
            counters.outErrors++;
            return false;
        }
        IpOutput.Result r = out.send(from, to, IpPacket.PROTO_ICMP, -1, 0, buffer, Icmp.HEADER_LENGTH + quote, now);
        if (r != IpOutput.Result.SENT && r != IpOutput.Result.QUEUED) {
            counters.outErrors++;
            return false;
        }
        return true;
    }

    /** RFC 1122 §3.2.2 and RFC 1812 §4.3.2.7: whether an error may be sent about {@code d}. */
    boolean mayAnswer(Ipv4 d, boolean linkGroup) {
        int dst = d.destinationBits();
        int src = d.sourceBits();
        if (linkGroup || d.fragmentOffset() != 0 || isGroup(dst) || addresses.isBroadcast(dst)) {
            return false;
        }
        int top = src >>> 24;
        if (src == 0 || top == 127 || top >= 224 || addresses.isBroadcast(src)) {
            return false; // zero, loopback, multicast, class E and broadcast: not one host
        }
        if (d.protocol() == IpPacket.PROTO_ICMP) {
            Icmp icmp = Icmp.of(d);
            return icmp != null && isQuery(icmp.type());
        }
        return true;
    }

    /** Informational messages; everything else (errors, redirects, types we do not know) gets no error. */
    private static boolean isQuery(int type) {
        return type == Icmp.ECHO_REPLY || type == Icmp.ECHO_REQUEST || type >= Icmp.TIMESTAMP_REQUEST && type <= ADDRESS_MASK_REPLY
                || type == ROUTER_ADVERTISEMENT || type == ROUTER_SOLICITATION;
    }

    private static boolean isGroup(int ip) {
        return (ip >>> 28) == 0xe || ip == -1;
    }
}
