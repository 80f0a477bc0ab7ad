package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An IPv4 header without options (RFC 791 §3.1); {@link #emitTo} fills in IHL 5, the total
 * length and the header checksum. See {@link Ipv4} for the layout.
 *
 * @param tos            type of service / DSCP+ECN byte
 * @param identification fragment identification
 * @param dontFragment   DF flag
 * @param moreFragments  MF flag
 * @param fragmentOffset fragment offset in bytes, a multiple of 8
 * @param ttl            time to live
 * @param protocol       payload protocol, e.g. {@link IpPacket#PROTO_UDP}
 * @param source         source address
 * @param destination    destination address
 * @param payloadLength  bytes after the header
 */
public record Ipv4Header(int tos, int identification, boolean dontFragment, boolean moreFragments,
                         int fragmentOffset, int ttl, int protocol, Ipv4Address source,
                         Ipv4Address destination, int payloadLength) implements IpHeader {
    private static final int VERSION_IHL_NO_OPTIONS = 0x45;
    /** Linux's default TTL, a convenient default for builders. */
    public static final int DEFAULT_TTL = 64;

    /** An unfragmented datagram with DF set, TOS 0, TTL 64 and identification 0. */
    public static Ipv4Header simple(int protocol, Ipv4Address source, Ipv4Address destination, int payloadLength) {
        return new Ipv4Header(0, 0, true, false, 0, DEFAULT_TTL, protocol, source, destination, payloadLength);
    }

    /** The header of {@code view} (options dropped), or {@code null} if malformed. */
    public static Ipv4Header parse(Ipv4 view) {
        if (view == null || view.problem() != null) {
            return null;
        }
        return new Ipv4Header(view.tos(), view.identification(), view.dontFragment(), view.moreFragments(),
                view.fragmentOffset(), view.ttl(), view.protocol(), view.source(), view.destination(),
                view.totalLength() - view.headerLength());
    }

    @Override
    public long pseudoHeaderSum(int protocol, long length) {
        return Checksum.pseudoHeaderV4(source.bits(), destination.bits(), protocol, length);
    }

    @Override
    public int length() {
        return Ipv4.MIN_HEADER_LENGTH;
    }

    @Override
    public int emitTo(MemorySegment seg, long off) {
        BigEndian.put8(seg, off + Ipv4.VERSION_IHL, VERSION_IHL_NO_OPTIONS);
        BigEndian.put8(seg, off + Ipv4.TOS, tos);
        BigEndian.put16(seg, off + Ipv4.TOTAL_LENGTH, Ipv4.MIN_HEADER_LENGTH + payloadLength);
        BigEndian.put16(seg, off + Ipv4.IDENTIFICATION, identification);
        int flags = (dontFragment ? Ipv4.FLAG_DF : 0) | (moreFragments ? Ipv4.FLAG_MF : 0);
        BigEndian.put16(seg, off + Ipv4.FLAGS_FRAGMENT, flags | (fragmentOffset / Ipv4.FRAGMENT_UNIT));
        BigEndian.put8(seg, off + Ipv4.TTL, ttl);
        BigEndian.put8(seg, off + Ipv4.PROTOCOL, protocol);
        BigEndian.put16(seg, off + Ipv4.CHECKSUM, 0);
        source.writeTo(seg, off + Ipv4.SRC);
        destination.writeTo(seg, off + Ipv4.DST);
        BigEndian.put16(seg, off + Ipv4.CHECKSUM, Checksum.internet(seg, off, Ipv4.MIN_HEADER_LENGTH));
        return Ipv4.MIN_HEADER_LENGTH;
    }
}
