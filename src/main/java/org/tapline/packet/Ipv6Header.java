package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The fixed IPv6 header (RFC 8200 §3). See {@link Ipv6} for the layout.
 *
 * @param trafficClass  traffic class byte
 * @param flowLabel     20-bit flow label
 * @param payloadLength bytes after this header, extension headers included
 * @param nextHeader    protocol of what follows, e.g. {@link IpPacket#PROTO_ICMPV6}
 * @param hopLimit      hop limit
 * @param source        source address
 * @param destination   destination address
 */
public record Ipv6Header(int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit,
                         Ipv6Address source, Ipv6Address destination) implements IpHeader {
    private static final int VERSION_BITS = 6 << 28;
    /** Hop limit RFC 4861 §7.1 requires on Neighbor Discovery messages. */
    public static final int ND_HOP_LIMIT = 255;

    /** Traffic class 0, flow label 0. */
    public static Ipv6Header simple(int nextHeader, int hopLimit, Ipv6Address source, Ipv6Address destination,
                                    int payloadLength) {
        return new Ipv6Header(0, 0, payloadLength, nextHeader, hopLimit, source, destination);
    }

    /** The fixed header of {@code view}, or {@code null} if its version is not 6. */
    public static Ipv6Header parse(Ipv6 view) {
        if (view == null || view.version() != Ipv6.VERSION) {
            return null;
        }
        return new Ipv6Header(view.trafficClass(), view.flowLabel(), view.payloadLength(), view.nextHeader(),
                view.hopLimit(), view.source(), view.destination());
    }

    @Override
    public long pseudoHeaderSum(int protocol, long length) {
        return Checksum.pseudoHeaderV6(source, destination, protocol, length);
    }

    @Override
    public int length() {
        return Ipv6.HEADER_LENGTH;
    }

    @Override
    public int emitTo(MemorySegment seg, long off) {
        BigEndian.put32(seg, off + Ipv6.VERSION_CLASS_FLOW,
                VERSION_BITS | (trafficClass & 0xff) << 20 | (flowLabel & 0xfffff));
        BigEndian.put16(seg, off + Ipv6.PAYLOAD_LENGTH, payloadLength);
        BigEndian.put8(seg, off + Ipv6.NEXT_HEADER, nextHeader);
        BigEndian.put8(seg, off + Ipv6.HOP_LIMIT, hopLimit);
        source.writeTo(seg, off + Ipv6.SRC);
        destination.writeTo(seg, off + Ipv6.DST);
        return Ipv6.HEADER_LENGTH;
    }
}
