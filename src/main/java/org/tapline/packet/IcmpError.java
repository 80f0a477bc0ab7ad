package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The header of an ICMP error (RFC 792): destination unreachable, time exceeded, parameter
 * problem. See {@link Icmp} for the layout; the second word is {@code rest}: zero, the
 * Next-Hop MTU in its low 16 bits for fragmentation needed (RFC 1191 §4), or the pointer in
 * its high 8 bits for a parameter problem. The data that follows quotes the offending datagram.
 *
 * @param type type, e.g. {@link Icmp#DEST_UNREACHABLE}
 * @param code code
 * @param rest the second 32-bit word
 */
public record IcmpError(int type, int code, int rest) {
    /** Destination unreachable codes (RFC 792, RFC 1191, RFC 1812 §5.2.7.1). */
    public static final int NET_UNREACHABLE = 0;
    public static final int HOST_UNREACHABLE = 1;
    public static final int PROTOCOL_UNREACHABLE = 2;
    public static final int PORT_UNREACHABLE = 3;
    public static final int FRAGMENTATION_NEEDED = 4;
    /** Time exceeded codes. */
    public static final int TTL_EXCEEDED = 0;
    public static final int REASSEMBLY_EXCEEDED = 1;

    /** The error in {@code view}: its type, code and second word. */
    public static IcmpError parse(Icmp view) {
        return new IcmpError(view.type(), view.code(),
                (view.identifier() << 16 | view.sequence()));
    }

    /** The Next-Hop MTU of a fragmentation-needed message (0 from a router older than RFC 1191). */
    public int nextHopMtu() {
        return rest & 0xffff;
    }

    /**
     * Writes the 8-byte header at {@code off} with the checksum over it and the
     * {@code dataLength} bytes the caller already placed after it. Returns 8.
     */
    public int emitTo(MemorySegment seg, long off, int dataLength) {
        BigEndian.put8(seg, off + Icmp.TYPE, type);
        BigEndian.put8(seg, off + Icmp.CODE, code);
        BigEndian.put16(seg, off + Icmp.CHECKSUM, 0);
        BigEndian.put32(seg, off + Icmp.IDENTIFIER, rest & 0xffff_ffffL);
        BigEndian.put16(seg, off + Icmp.CHECKSUM, Checksum.internet(seg, off, Icmp.HEADER_LENGTH + (long) dataLength));
        return Icmp.HEADER_LENGTH;
    }
}
