package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of an IPv6 header (RFC 8200 §3) and the extension headers after it
 * (RFC 8200 §4), walked once when the view is made.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Source Address (16 octets)                  |
 * |                Destination Address (16 octets)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Hop-by-Hop, Routing, Destination Options (and Mobility, HIP, Shim6 - RFC 7045 §2.1):
 * | Next Header   | Hdr Ext Len   |  ... (Hdr Ext Len + 1) * 8 octets in all
 * Fragment (RFC 8200 §4.5), 8 octets:
 * | Next Header   |   Reserved    |      Fragment Offset    |Res|M|
 * |                         Identification                        |
 * Authentication Header (RFC 4302 §2): | Next Header | Payload Len | (Payload Len + 2) * 4 octets
 * </pre>
 *
 * <p>The walk stops at an upper-layer protocol, at ESP (50, encrypted from there on), at No Next
 * Header (59), after a non-first fragment (no transport header follows, RFC 8200 §4.5), or after
 * {@link #MAX_EXTENSIONS} headers. {@link #of} returns {@code null} when the 40-byte header is
 * not present; {@link #problem()} reports a bad version or an extension header cut short by the
 * payload length or the bytes present. Jumbograms (RFC 2675) are not supported.
 */
public final class Ipv6 implements IpPacket {
    static final int VERSION_CLASS_FLOW = 0;
    static final int PAYLOAD_LENGTH = 4;
    static final int NEXT_HEADER = 6;
    static final int HOP_LIMIT = 7;
    static final int SRC = 8;
    static final int DST = 24;
    /** Length of the fixed header. */
    public static final int HEADER_LENGTH = 40;
    static final int VERSION = 6;
    /** Extension headers walked before giving up (RFC 8200 §4.1 expects at most ~6). */
    public static final int MAX_EXTENSIONS = 8;

    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AUTHENTICATION = 51;
    public static final int NO_NEXT_HEADER = 59;
    public static final int DESTINATION_OPTIONS = 60;
    public static final int MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;

    static final int EXT_LENGTH = 1;
    static final int EXT_UNIT = 8;
    static final int AH_UNIT = 4;
    static final int FRAG_OFFSET_FLAGS = 2;
    static final int FRAG_ID = 4;
    static final int FRAG_LENGTH = 8;
    static final int FRAG_OFFSET_MASK = 0xfff8;
    static final int FRAG_MORE = 1;

    private final MemorySegment seg;
    private final long off;
    private final long len;
    private int upperProtocol;
    private int upperOffset;
    private int extCount;
    private long extTypes;
    private int fragmentField = -1;
    private long fragmentId;
    private String problem;

    private Ipv6(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view with its extension headers walked, or {@code null} if fewer than 40 bytes are present. */
    public static Ipv6 of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        if (n < HEADER_LENGTH) {
            return null;
        }
        Ipv6 v = new Ipv6(seg, off, n);
        if (v.version() != VERSION) {
            v.problem = "version " + v.version();
            v.upperProtocol = v.nextHeader();
            v.upperOffset = HEADER_LENGTH;
        } else {
            v.walk();
        }
        return v;
    }

    private void walk() {
        long end = Math.min(HEADER_LENGTH + (long) payloadLength(), len);
        int nh = nextHeader();
        int pos = HEADER_LENGTH;
        while (isExtension(nh)) {
            if (extCount == MAX_EXTENSIONS) {
                problem = "more than " + MAX_EXTENSIONS + " extension headers";
                break;
            }
            long size = pos + 2L <= end ? extensionSize(nh, pos) : -1;
            if (size < 0 || pos + size > end) {
                problem = "truncated " + extensionName(nh) + " header";
                break;
            }
            if (nh == FRAGMENT) {
                fragmentField = BigEndian.u16(seg, off + pos + FRAG_OFFSET_FLAGS);
                fragmentId = BigEndian.u32(seg, off + pos + FRAG_ID);
            }
            extTypes |= (long) nh << (8 * extCount);
            extCount++;
            nh = BigEndian.u8(seg, off + pos);
            pos += (int) size;
            if (fragmentOffset() != 0) {
                break; // RFC 8200 §4.5: later fragments carry no further headers
            }
        }
        upperProtocol = nh;
        upperOffset = pos;
    }

    private long extensionSize(int nh, int pos) {
        return switch (nh) {
            case FRAGMENT -> FRAG_LENGTH;
            case AUTHENTICATION -> (BigEndian.u8(seg, off + pos + EXT_LENGTH) + 2L) * AH_UNIT;
            default -> (BigEndian.u8(seg, off + pos + EXT_LENGTH) + 1L) * EXT_UNIT;
        };
    }

    /** Whether {@code nh} is an extension header this view steps over (not ESP nor 59). */
    public static boolean isExtension(int nh) {
        return switch (nh) {
            case HOP_BY_HOP, ROUTING, FRAGMENT, AUTHENTICATION, DESTINATION_OPTIONS, MOBILITY, HIP, SHIM6 -> true;
            default -> false;
        };
    }

    /** Short name as tcpdump prints it, e.g. {@code HBH}. */
    public static String extensionName(int nh) {
        return switch (nh) {
            case HOP_BY_HOP -> "HBH";
            case ROUTING -> "srcrt";
            case FRAGMENT -> "frag";
            case AUTHENTICATION -> "AH";
            case DESTINATION_OPTIONS -> "DSTOPT";
            case MOBILITY -> "mobility";
            case HIP -> "HIP";
            case SHIM6 -> "shim6";
            default -> "ext-" + nh;
        };
    }

    @Override
    public String problem() {
        return problem;
    }

    public int version() {
        return BigEndian.u8(seg, off + VERSION_CLASS_FLOW) >>> 4;
    }

    public int trafficClass() {
        return (int) (BigEndian.u32(seg, off + VERSION_CLASS_FLOW) >>> 20) & 0xff;
    }

    public int flowLabel() {
        return (int) BigEndian.u32(seg, off + VERSION_CLASS_FLOW) & 0xfffff;
    }

    public int payloadLength() {
        return BigEndian.u16(seg, off + PAYLOAD_LENGTH);
    }

    /** The Next Header field of the fixed header. */
    public int nextHeader() {
        return BigEndian.u8(seg, off + NEXT_HEADER);
    }

    public int hopLimit() {
        return BigEndian.u8(seg, off + HOP_LIMIT);
    }

    public Ipv6Address source() {
        return Ipv6Address.read(seg, off + SRC);
    }

    public Ipv6Address destination() {
        return Ipv6Address.read(seg, off + DST);
    }

    /** Extension headers stepped over, in order. */
    public int extensionCount() {
        return extCount;
    }

    /** Protocol number of extension header {@code i}. */
    public int extensionType(int i) {
        if (i < 0 || i >= extCount) {
            throw new IndexOutOfBoundsException("extension " + i + " of " + extCount);
        }
        return (int) (extTypes >>> (8 * i)) & 0xff;
    }

    /** Whether a Fragment header was seen. */
    public boolean isFragment() {
        return fragmentField >= 0;
    }

    /** Fragment offset in bytes (0 without a Fragment header). */
    public int fragmentOffset() {
        return fragmentField < 0 ? 0 : fragmentField & FRAG_OFFSET_MASK;
    }

    public boolean moreFragments() {
        return fragmentField >= 0 && (fragmentField & FRAG_MORE) != 0;
    }

    public long fragmentId() {
        return fragmentId;
    }

    /** Upper-layer protocol after the extension headers (may be {@link #ESP} or {@link #NO_NEXT_HEADER}). */
    @Override
    public int protocol() {
        return upperProtocol;
    }

    @Override
    public boolean hasTransportHeader() {
        return problem == null && fragmentOffset() == 0 && upperProtocol != NO_NEXT_HEADER;
    }

    @Override
    public MemorySegment segment() {
        return seg;
    }

    @Override
    public long transportOffset() {
        return off + upperOffset;
    }

    @Override
    public long transportLength() {
        return Math.max(0, Math.min(HEADER_LENGTH + (long) payloadLength(), len) - upperOffset);
    }

    @Override
    public long missing() {
        return Math.max(0, HEADER_LENGTH + (long) payloadLength() - len);
    }

    @Override
    public long pseudoHeaderSum(int protocol, long length) {
        // RFC 8200 §8.1: with a Routing header the final destination belongs here; checksums of
        // packets still in transit through one are not verified by this view.
        return Checksum.pseudoHeaderV6(source(), destination(), protocol, length);
    }

    @Override
    public String sourceText() {
        return InetFormat.ipv6(seg, off + SRC);
    }

    @Override
    public String destinationText() {
        return InetFormat.ipv6(seg, off + DST);
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }
}
