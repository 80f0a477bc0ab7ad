package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A UDP header (RFC 768). See {@link Udp} for the layout.
 *
 * @param sourcePort      source port
 * @param destinationPort destination port
 * @param payloadLength   data bytes after the header
 */
public record UdpHeader(int sourcePort, int destinationPort, int payloadLength) {

    /** The header of {@code view}, or {@code null} if malformed. */
    public static UdpHeader parse(Udp view) {
        if (view == null || view.problem() != null) {
            return null;
        }
        return new UdpHeader(view.sourcePort(), view.destinationPort(), view.length() - Udp.HEADER_LENGTH);
    }

    public int length() {
        return Udp.HEADER_LENGTH;
    }

    /**
     * Writes the header at {@code off} with the checksum over it and the {@link #payloadLength}
     * bytes the caller already placed at {@code off + 8}. Returns the bytes written (8).
     */
    public int emitTo(MemorySegment seg, long off, IpHeader ip) {
        int total = Udp.HEADER_LENGTH + payloadLength;
        BigEndian.put16(seg, off + Udp.SRC_PORT, sourcePort);
        BigEndian.put16(seg, off + Udp.DST_PORT, destinationPort);
        BigEndian.put16(seg, off + Udp.LENGTH, total);
        BigEndian.put16(seg, off + Udp.CHECKSUM, 0);
        int sum = Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_UDP, total) + Checksum.sum(seg, off, total));
        // RFC 768: zero means "no checksum", so a computed zero is sent as all ones.
        BigEndian.put16(seg, off + Udp.CHECKSUM, sum == 0 ? Udp.ZERO_CHECKSUM_SENT_AS : sum);
        return Udp.HEADER_LENGTH;
    }
}
