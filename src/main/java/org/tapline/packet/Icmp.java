package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of an ICMP message for IPv4 (RFC 792).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Identifier (echo)         |   Sequence Number (echo)      |  "rest of header"
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ... (errors: the offending IP header + 8 octets)
 * </pre>
 *
 * <p>{@link #of} returns {@code null} when the 8-byte header is not present.
 */
public final class Icmp {
    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int IDENTIFIER = 4;
    static final int SEQUENCE = 6;
    /** Length of the header including the 4-byte rest-of-header. */
    public static final int HEADER_LENGTH = 8;

    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    public static final int TIMESTAMP_REQUEST = 13;
    public static final int TIMESTAMP_REPLY = 14;

    private final MemorySegment seg;
    private final long off;
    private final long len;

    private Icmp(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view, or {@code null} if fewer than 8 bytes are present. */
    public static Icmp of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        return n < HEADER_LENGTH ? null : new Icmp(seg, off, n);
    }

    /** The ICMP message carried by {@code ip}, or {@code null}. */
    public static Icmp of(IpPacket ip) {
        return ip.hasTransportHeader() ? of(ip.segment(), ip.transportOffset(), ip.transportLength()) : null;
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

    /** Echo identifier (meaningful for echo and timestamp messages). */
    public int identifier() {
        return BigEndian.u16(seg, off + IDENTIFIER);
    }

    /** Echo sequence number (meaningful for echo and timestamp messages). */
    public int sequence() {
        return BigEndian.u16(seg, off + SEQUENCE);
    }

    public boolean isEcho() {
        return type() == ECHO_REQUEST || type() == ECHO_REPLY;
    }

    /** Whether the RFC 1071 checksum over all bytes of this view verifies (RFC 792). */
    public boolean checksumOk() {
        return Checksum.internet(seg, off, len) == 0;
    }

    public MemorySegment segment() {
        return seg;
    }

    /** Absolute offset of the data after the 8-byte header (for errors: the quoted IP packet). */
    public long dataOffset() {
        return off + HEADER_LENGTH;
    }

    public long dataLength() {
        return len - HEADER_LENGTH;
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }
}
