package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of a UDP datagram (RFC 768).
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * </pre>
 *
 * <p>{@link #of} returns {@code null} when the 8-byte header is not present; {@link #problem()}
 * reports a length field below 8. The payload is bounded by the length field and the bytes present.
 */
public final class Udp {
    static final int SRC_PORT = 0;
    static final int DST_PORT = 2;
    static final int LENGTH = 4;
    static final int CHECKSUM = 6;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 768: a computed checksum of zero is sent as all ones. */
    static final int ZERO_CHECKSUM_SENT_AS = 0xffff;

    private final MemorySegment seg;
    private final long off;
    private final long len;

    private Udp(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view, or {@code null} if fewer than 8 bytes are present. */
    public static Udp of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        return n < HEADER_LENGTH ? null : new Udp(seg, off, n);
    }

    /** The UDP datagram carried by {@code ip}, or {@code null}. */
    public static Udp of(IpPacket ip) {
        return ip.hasTransportHeader() ? of(ip.segment(), ip.transportOffset(), ip.transportLength()) : null;
    }

    public String problem() {
        return length() < HEADER_LENGTH ? "bad length " + length() : null;
    }

    public int sourcePort() {
        return BigEndian.u16(seg, off + SRC_PORT);
    }

    public int destinationPort() {
        return BigEndian.u16(seg, off + DST_PORT);
    }

    /** The length field: header plus data. */
    public int length() {
        return BigEndian.u16(seg, off + LENGTH);
    }

    public int checksum() {
        return BigEndian.u16(seg, off + CHECKSUM);
    }

    public long payloadOffset() {
        return off + HEADER_LENGTH;
    }

    public long payloadLength() {
        return Math.max(0, Math.min(length(), len) - HEADER_LENGTH);
    }

    /** Bytes the length field declares beyond those present. */
    public long missing() {
        return Math.max(0, length() - len);
    }

    /**
     * Whether the checksum verifies against {@code ip}'s pseudo-header. A zero checksum means
     * "not computed" over IPv4 (RFC 768) and passes; over IPv6 it is invalid (RFC 8200 §8.1).
     * False when the datagram is malformed or not all present.
     */
    public boolean checksumOk(IpPacket ip) {
        if (problem() != null || missing() > 0) {
            return false;
        }
        if (checksum() == 0) {
            return ip instanceof Ipv4;
        }
        long sum = ip.pseudoHeaderSum(IpPacket.PROTO_UDP, length()) + Checksum.sum(seg, off, length());
        return Checksum.finish(sum) == 0;
    }

    /** Bytes present in this view. */
    public long available() {
        return len;
    }
}
