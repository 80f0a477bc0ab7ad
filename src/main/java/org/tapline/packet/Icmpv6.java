package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of an ICMPv6 message (RFC 4443 §2.1), including the Neighbor Discovery
 * messages of RFC 4861 §4 and MLD (RFC 2710, RFC 3810).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Identifier (echo) / flags (NA) | Sequence (echo) / reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   NS, NA, redirect: Target Address (16 octets) ...            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #of} returns {@code null} when the 8-byte header is not present (every ICMPv6
 * message defined has one). {@link #target()} needs {@link #hasTarget()}.
 */
public final class Icmpv6 {
    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int IDENTIFIER = 4;
    static final int SEQUENCE = 6;
    static final int NA_FLAGS = 4;
    static final int TARGET = 8;
    /** Length of the header including the 4-byte message body start. */
    public static final int HEADER_LENGTH = 8;
    static final int TARGET_END = TARGET + Ipv6Address.LENGTH;

    public static final int DEST_UNREACHABLE = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int PARAMETER_PROBLEM = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int MLD_QUERY = 130;
    public static final int MLD_REPORT = 131;
    public static final int MLD_DONE = 132;
    public static final int ROUTER_SOLICITATION = 133;
    public static final int ROUTER_ADVERTISEMENT = 134;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;
    public static final int REDIRECT = 137;
    public static final int MLDV2_REPORT = 143;

    /** RFC 4861 §4.4 Neighbor Advertisement flags. */
    public static final int NA_ROUTER = 0x80;
    public static final int NA_SOLICITED = 0x40;
    public static final int NA_OVERRIDE = 0x20;

    private final MemorySegment seg;
    private final long off;
    private final long len;

    private Icmpv6(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view, or {@code null} if fewer than 8 bytes are present. */
    public static Icmpv6 of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        return n < HEADER_LENGTH ? null : new Icmpv6(seg, off, n);
    }

    /** The ICMPv6 message carried by {@code ip}, or {@code null}. */
    public static Icmpv6 of(IpPacket ip) {
        return ip.hasTransportHeader() ? of(ip.segment(), ip.transportOffset(), ip.transportLength()) : null;
    }

    /** tcpdump's name for an ICMPv6 type, e.g. {@code neighbor advertisement}, or {@code type-#N}. */
    public static String typeName(int type) {
        return switch (type) {
            case DEST_UNREACHABLE -> "destination unreachable";
            case PACKET_TOO_BIG -> "packet too big";
            case TIME_EXCEEDED -> "time exceeded in-transit";
            case PARAMETER_PROBLEM -> "parameter problem";
            case ECHO_REQUEST -> "echo request";
            case ECHO_REPLY -> "echo reply";
            case MLD_QUERY -> "multicast listener query";
            case MLD_REPORT -> "multicast listener report";
            case MLD_DONE -> "multicast listener done";
            case ROUTER_SOLICITATION -> "router solicitation";
            case ROUTER_ADVERTISEMENT -> "router advertisement";
            case NEIGHBOR_SOLICITATION -> "neighbor solicitation";
            case NEIGHBOR_ADVERTISEMENT -> "neighbor advertisement";
            case REDIRECT -> "redirect";
            case MLDV2_REPORT -> "multicast listener report v2";
            default -> "type-#" + type;
        };
    }

    public int type() {
        return BigEndian.u8(seg, off + TYPE);
    }

    public int code() {
        return BigEndian.u8(seg, off + CODE);
    }

    public int checksum() {
        return BigEndian.u16(seg, off + CHECKSUM);
    }

    public int identifier() {
        return BigEndian.u16(seg, off + IDENTIFIER);
    }

    public int sequence() {
        return BigEndian.u16(seg, off + SEQUENCE);
    }

    /** Neighbor Advertisement flags byte ({@link #NA_ROUTER} etc.). */
    public int advertisementFlags() {
        return BigEndian.u8(seg, off + NA_FLAGS);
    }

    /** Whether this is an NS, NA or redirect with its target address present. */
    public boolean hasTarget() {
        int t = type();
        return (t == NEIGHBOR_SOLICITATION || t == NEIGHBOR_ADVERTISEMENT || t == REDIRECT) && len >= TARGET_END;
    }

    /** Target address of an NS/NA/redirect (RFC 4861 §4.3-4.5); requires {@link #hasTarget()}. */
    public Ipv6Address target() {
        return Ipv6Address.read(seg, off + TARGET);
    }

    /** RFC 5952 text of the target; requires {@link #hasTarget()}. */
    public String targetText() {
        return InetFormat.ipv6(seg, off + TARGET);
    }

    /** Whether the checksum (RFC 4443 §2.3, with {@code ip}'s pseudo-header) verifies. */
    public boolean checksumOk(IpPacket ip) {
        if (ip.missing() > 0) {
            return false;
        }
        return Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_ICMPV6, len) + Checksum.sum(seg, off, len)) == 0;
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }
}
