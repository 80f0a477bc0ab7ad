package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of an IPv4 header and its payload (RFC 791 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)          |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #of} returns {@code null} when the 20-byte fixed header is not present. Fixed fields
 * are always readable; {@link #problem()} reports a bad version or IHL, options cut short, or a
 * total length below the header length. The payload is bounded by both the total length and
 * the bytes present; {@link #missing()} tells how many declared bytes are absent.
 */
public final class Ipv4 implements IpPacket {
    static final int VERSION_IHL = 0;
    static final int TOS = 1;
    static final int TOTAL_LENGTH = 2;
    static final int IDENTIFICATION = 4;
    static final int FLAGS_FRAGMENT = 6;
    static final int TTL = 8;
    static final int PROTOCOL = 9;
    static final int CHECKSUM = 10;
    static final int SRC = 12;
    static final int DST = 16;
    /** Length of the header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    static final int VERSION = 4;
    static final int MIN_IHL = 5;
    static final int FLAG_DF = 0x4000;
    static final int FLAG_MF = 0x2000;
    static final int FRAGMENT_MASK = 0x1fff;
    /** Fragment offsets count 8-octet units (RFC 791 §3.1). */
    static final int FRAGMENT_UNIT = 8;

    private final MemorySegment seg;
    private final long off;
    private final long len;

    private Ipv4(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view, or {@code null} if fewer than 20 bytes are present. */
    public static Ipv4 of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        return n < MIN_HEADER_LENGTH ? null : new Ipv4(seg, off, n);
    }

    @Override
    public String problem() {
        String fields = fieldProblem();
        if (fields != null) {
            return fields;
        }
        if (headerLength() > len) {
            return "header length " + headerLength() + " > " + len + " bytes present";
        }
        return null;
    }

    /** {@link #problem()} without the check that the options are all present. */
    public String fieldProblem() {
        if (version() != VERSION) {
            return "version " + version();
        }
        if (ihl() < MIN_IHL) {
            return "ihl " + ihl();
        }
        if (totalLength() < headerLength()) {
            return "total length " + totalLength() + " < header length " + headerLength();
        }
        return null;
    }

    public int version() {
        return BigEndian.u8(seg, off + VERSION_IHL) >>> 4;
    }

    /** Header length in 32-bit words. */
    public int ihl() {
        return BigEndian.u8(seg, off + VERSION_IHL) & 0x0f;
    }

    public int headerLength() {
        return ihl() * 4;
    }

    public int tos() {
        return BigEndian.u8(seg, off + TOS);
    }

    public int totalLength() {
        return BigEndian.u16(seg, off + TOTAL_LENGTH);
    }

    public int identification() {
        return BigEndian.u16(seg, off + IDENTIFICATION);
    }

    public boolean dontFragment() {
        return (BigEndian.u16(seg, off + FLAGS_FRAGMENT) & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (BigEndian.u16(seg, off + FLAGS_FRAGMENT) & FLAG_MF) != 0;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffset() {
        return (BigEndian.u16(seg, off + FLAGS_FRAGMENT) & FRAGMENT_MASK) * FRAGMENT_UNIT;
    }

    public boolean isFragment() {
        return moreFragments() || fragmentOffset() != 0;
    }

    public int ttl() {
        return BigEndian.u8(seg, off + TTL);
    }

    @Override
    public int protocol() {
        return BigEndian.u8(seg, off + PROTOCOL);
    }

    public int headerChecksum() {
        return BigEndian.u16(seg, off + CHECKSUM);
    }

    /** Whether the header checksum verifies (RFC 791 §3.1); false if the header is malformed. */
    public boolean headerChecksumOk() {
        return problem() == null && Checksum.internet(seg, off, headerLength()) == 0;
    }

    public Ipv4Address source() {
        return Ipv4Address.read(seg, off + SRC);
    }

    public Ipv4Address destination() {
        return Ipv4Address.read(seg, off + DST);
    }

    public int sourceBits() {
        return BigEndian.s32(seg, off + SRC);
    }

    public int destinationBits() {
        return BigEndian.s32(seg, off + DST);
    }

    /** Absolute offset of the options (RFC 791 §3.1), {@link #optionsLength()} bytes. */
    public long optionsOffset() {
        return off + MIN_HEADER_LENGTH;
    }

    /** Options bytes present (0 without options or when malformed). */
    public int optionsLength() {
        return problem() == null ? headerLength() - MIN_HEADER_LENGTH : 0;
    }

    @Override
    public boolean hasTransportHeader() {
        // RFC 791 §3.2: only the fragment at offset 0 carries the transport header.
        return problem() == null && fragmentOffset() == 0;
    }

    @Override
    public MemorySegment segment() {
        return seg;
    }

    @Override
    public long transportOffset() {
        return off + headerLength();
    }

    @Override
    public long transportLength() {
        return Math.max(0, Math.min(totalLength(), len) - headerLength());
    }

    @Override
    public long missing() {
        return Math.max(0, totalLength() - len);
    }

    @Override
    public long pseudoHeaderSum(int protocol, long length) {
        return Checksum.pseudoHeaderV4(sourceBits(), destinationBits(), protocol, length);
    }

    @Override
    public String sourceText() {
        return InetFormat.ipv4(sourceBits());
    }

    @Override
    public String destinationText() {
        return InetFormat.ipv4(destinationBits());
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }
}
