package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An ICMP echo request or reply (RFC 792, "Echo or Echo Reply Message"). See {@link Icmp}.
 *
 * @param reply      true for echo reply (type 0), false for request (type 8)
 * @param identifier identifier
 * @param sequence   sequence number
 */
public record IcmpEcho(boolean reply, int identifier, int sequence) {

    /** The echo in {@code view}, or {@code null} if it is not an echo. */
    public static IcmpEcho parse(Icmp view) {
        if (view == null || !view.isEcho()) {
            return null;
        }
        return new IcmpEcho(view.type() == Icmp.ECHO_REPLY, view.identifier(), view.sequence());
    }

    public int length() {
        return Icmp.HEADER_LENGTH;
    }

    /**
     * Writes the 8-byte header at {@code off} with the checksum over it and the
     * {@code dataLength} bytes the caller already placed after it. Returns 8.
     */
    public int emitTo(MemorySegment seg, long off, int dataLength) {
        BigEndian.put8(seg, off + Icmp.TYPE, reply ? Icmp.ECHO_REPLY : Icmp.ECHO_REQUEST);
        BigEndian.put8(seg, off + Icmp.CODE, 0);
        BigEndian.put16(seg, off + Icmp.CHECKSUM, 0);
        BigEndian.put16(seg, off + Icmp.IDENTIFIER, identifier);
        BigEndian.put16(seg, off + Icmp.SEQUENCE, sequence);
        BigEndian.put16(seg, off + Icmp.CHECKSUM, Checksum.internet(seg, off, Icmp.HEADER_LENGTH + (long) dataLength));
        return Icmp.HEADER_LENGTH;
    }
}
