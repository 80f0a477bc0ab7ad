package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An ICMPv6 echo request or reply (RFC 4443 §4.1-4.2). See {@link Icmpv6}.
 *
 * @param reply      true for echo reply (129), false for request (128)
 * @param identifier identifier
 * @param sequence   sequence number
 */
public record Icmpv6Echo(boolean reply, int identifier, int sequence) {

    /** The echo in {@code view}, or {@code null} if it is not an echo. */
    public static Icmpv6Echo parse(Icmpv6 view) {
        if (view == null || (view.type() != Icmpv6.ECHO_REQUEST && view.type() != Icmpv6.ECHO_REPLY)) {
            return null;
        }
        return new Icmpv6Echo(view.type() == Icmpv6.ECHO_REPLY, view.identifier(), view.sequence());
    }

    public int length() {
        return Icmpv6.HEADER_LENGTH;
    }

    /**
     * Writes the 8-byte header at {@code off} with the checksum (RFC 4443 §2.3, over {@code ip}'s
     * pseudo-header, this header and the {@code dataLength} bytes already after it). Returns 8.
     */
    public int emitTo(MemorySegment seg, long off, IpHeader ip, int dataLength) {
        long total = Icmpv6.HEADER_LENGTH + (long) dataLength;
        BigEndian.put8(seg, off + Icmpv6.TYPE, reply ? Icmpv6.ECHO_REPLY : Icmpv6.ECHO_REQUEST);
        BigEndian.put8(seg, off + Icmpv6.CODE, 0);
        BigEndian.put16(seg, off + Icmpv6.CHECKSUM, 0);
        BigEndian.put16(seg, off + Icmpv6.IDENTIFIER, identifier);
        BigEndian.put16(seg, off + Icmpv6.SEQUENCE, sequence);
        BigEndian.put16(seg, off + Icmpv6.CHECKSUM,
                Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_ICMPV6, total) + Checksum.sum(seg, off, total)));
        return Icmpv6.HEADER_LENGTH;
    }
}
