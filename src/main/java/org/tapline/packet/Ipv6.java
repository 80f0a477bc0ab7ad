package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An IPv6 header (RFC 8200 §3) and its extension header chain (§4): hop-by-hop (0), routing
 * (43), destination options (60) and AH (51, RFC 4302: length in 4-byte units + 2) are skipped;
 * fragment (44) is skipped and, for a non-first fragment, ends the chain; ESP (50) and no next
 * header (59) end it.
 * <pre>
 *  0 version|class|flow (4) | 4 payload length | 6 next header | 7 hop limit | 8 source (16) | 24 destination (16) | 40
 * </pre>
 */
public final class Ipv6 {
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SRC = 8;
    public static final int DST = 24;
    public static final int HEADER = 40;
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int NO_NEXT = 59;
    public static final int DEST_OPTS = 60;
    private static final int MAX_EXTENSIONS = 16;

    private final MemorySegment seg;
    private final long off;
    private final long len;
    private final int upperProtocol;
    private final long upperOffset;
    private final boolean laterFragment;
    private final boolean hopByHop;

    private Ipv6(MemorySegment seg, long off, long len, int upper, long upperOffset, boolean laterFragment) {
        this.seg = seg;
        this.off = off;
        this.len = len;
        this.upperProtocol = upper;
        this.upperOffset = upperOffset;
        this.laterFragment = laterFragment;
        this.hopByHop = Bytes.u8(seg, off + NEXT_HEADER) == HOP_BY_HOP;
    }

    /** True when a hop-by-hop options header comes first (tcpdump prints "HBH"). */
    public boolean hopByHop() {
        return hopByHop;
    }

    public static String problem(MemorySegment seg, long off, long len) {
        if (len < HEADER) {
            return "truncated-ip6 - " + (HEADER - len) + " bytes missing";
        }
        int v = Bytes.u8(seg, off) >> 4;
        return v == 6 ? null : "bad-version " + v;
    }

    /** A view with the extension chain walked, or null when the fixed header is unusable. */
    public static Ipv6 of(MemorySegment seg, long off, long len) {
        if (problem(seg, off, len) != null) {
            return null;
        }
        long end = off + Math.min(len, HEADER + (long) Bytes.u16(seg, off + PAYLOAD_LENGTH));
        int next = Bytes.u8(seg, off + NEXT_HEADER);
        long at = off + HEADER;
        boolean later = false;
        for (int i = 0; i < MAX_EXTENSIONS; i++) {
            if (next != HOP_BY_HOP && next != ROUTING && next != DEST_OPTS && next != AH && next != FRAGMENT) {
                break;
            }
            if (at + 8 > end) {
                return new Ipv6(seg, off, len, next, -1, false);
            }
            int hdrNext = Bytes.u8(seg, at);
            long size;
            if (next == FRAGMENT) {
                size = 8;
                later = (Bytes.u16(seg, at + 2) & 0xfff8) != 0;
            } else if (next == AH) {
                size = (Bytes.u8(seg, at + 1) + 2L) * 4;
            } else {
                size = (Bytes.u8(seg, at + 1) + 1L) * 8;
            }
            next = hdrNext;
            at += size;
            if (later) {
                break;
            }
        }
        return new Ipv6(seg, off, len, next, at > end ? -1 : at, later);
    }

    public String source() {
        return InetFormat.ipv6(seg, off + SRC);
    }

    public String destination() {
        return InetFormat.ipv6(seg, off + DST);
    }

    public int payloadLengthField() {
        return Bytes.u16(seg, off + PAYLOAD_LENGTH);
    }

    public int hopLimit() {
        return Bytes.u8(seg, off + HOP_LIMIT);
    }

    /** The protocol after the extension headers (e.g. 6, 17, 58, 59 none, 50 ESP). */
    public int upperProtocol() {
        return upperProtocol;
    }

    /** Where the upper-layer header starts, or -1 if the extension chain runs past the data. */
    public long upperOffset() {
        return upperOffset;
    }

    /** True for a fragment other than the first: it carries no upper-layer header. */
    public boolean laterFragment() {
        return laterFragment;
    }

    /** Upper-layer bytes present. */
    public long upperLength() {
        if (upperOffset < 0) {
            return 0;
        }
        return Math.max(0, off + Math.min(len, HEADER + (long) payloadLengthField()) - upperOffset);
    }

    /** Upper-layer length as the header announces it (for pseudo-header checksums). */
    public long declaredUpperLength() {
        return upperOffset < 0 ? 0 : off + HEADER + (long) payloadLengthField() - upperOffset;
    }

    /** Writes a 40-byte header; returns the payload offset. */
    public static long emit(MemorySegment s, long off, int nextHeader, byte[] src, byte[] dst, int payloadLength, int hopLimit) {
        Bytes.put32(s, off, 0x60000000L);
        Bytes.put16(s, off + PAYLOAD_LENGTH, payloadLength);
        Bytes.put8(s, off + NEXT_HEADER, nextHeader);
        Bytes.put8(s, off + HOP_LIMIT, hopLimit);
        MemorySegment.copy(MemorySegment.ofArray(src), 0, s, off + SRC, 16);
        MemorySegment.copy(MemorySegment.ofArray(dst), 0, s, off + DST, 16);
        return off + HEADER;
    }
}
