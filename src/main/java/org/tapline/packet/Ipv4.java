package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An IPv4 header (RFC 791 §3.1).
 * <pre>
 *  0 version|IHL | 1 TOS | 2 total length | 4 identification | 6 flags|fragment offset
 *  8 TTL | 9 protocol | 10 header checksum | 12 source | 16 destination | 20 options...
 * </pre>
 */
public final class Ipv4 {
    public static final int VER_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int ID = 4;
    public static final int FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SRC = 12;
    public static final int DST = 16;
    public static final int MIN_HEADER = 20;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;
    private static final int MORE_FRAGMENTS = 0x2000;
    private static final int OFFSET_MASK = 0x1fff;

    private final MemorySegment seg;
    private final long off;
    private final long len;

    private Ipv4(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** Why these bytes are not a usable IPv4 header, or null if they are. */
    public static String problem(MemorySegment seg, long off, long len) {
        if (len < MIN_HEADER) {
            return "truncated-ip - " + (MIN_HEADER - len) + " bytes missing";
        }
        int v = Bytes.u8(seg, off + VER_IHL);
        if (v >> 4 != 4) {
            return "bad-version " + (v >> 4);
        }
        int hl = (v & 0xf) * 4;
        if (hl < MIN_HEADER) {
            return "bad-hlen " + hl;
        }
        if (hl > len) {
            return "truncated-ip - " + (hl - len) + " bytes missing";
        }
        int total = Bytes.u16(seg, off + TOTAL_LENGTH);
        if (total < hl) {
            return "bad-len " + total;
        }
        return null;
    }

    /** A view, or null when {@link #problem} has something to say. */
    public static Ipv4 of(MemorySegment seg, long off, long len) {
        return problem(seg, off, len) == null ? new Ipv4(seg, off, len) : null;
    }

    public int headerLength() {
        return (Bytes.u8(seg, off + VER_IHL) & 0xf) * 4;
    }

    public int totalLength() {
        return Bytes.u16(seg, off + TOTAL_LENGTH);
    }

    public int id() {
        return Bytes.u16(seg, off + ID);
    }

    public int ttl() {
        return Bytes.u8(seg, off + TTL);
    }

    public int protocol() {
        return Bytes.u8(seg, off + PROTOCOL);
    }

    /** Fragment offset in bytes. */
    public int fragmentOffset() {
        return (Bytes.u16(seg, off + FRAGMENT) & OFFSET_MASK) * 8;
    }

    public boolean moreFragments() {
        return (Bytes.u16(seg, off + FRAGMENT) & MORE_FRAGMENTS) != 0;
    }

    public String source() {
        return InetFormat.ipv4(seg, off + SRC);
    }

    public String destination() {
        return InetFormat.ipv4(seg, off + DST);
    }

    /** True when the header checksum verifies. */
    public boolean checksumOk() {
        return Checksum.of(seg, off, headerLength()) == 0;
    }

    public long payloadOffset() {
        return off + headerLength();
    }

    /** Payload bytes present: up to the total length, bounded by what was captured. */
    public long payloadLength() {
        return Math.min(totalLength(), len) - headerLength();
    }

    /** The payload length the header announces (may exceed what was captured). */
    public int declaredPayloadLength() {
        return totalLength() - headerLength();
    }

    /** Writes a 20-byte header with a valid checksum; returns the payload offset. */
    public static long emit(MemorySegment s, long off, int protocol, byte[] src, byte[] dst, int payloadLength, int ttl, int id) {
        Bytes.put8(s, off + VER_IHL, 0x45);
        Bytes.put8(s, off + TOS, 0);
        Bytes.put16(s, off + TOTAL_LENGTH, MIN_HEADER + payloadLength);
        Bytes.put16(s, off + ID, id);
        Bytes.put16(s, off + FRAGMENT, 0x4000);
        Bytes.put8(s, off + TTL, ttl);
        Bytes.put8(s, off + PROTOCOL, protocol);
        Bytes.put16(s, off + CHECKSUM, 0);
        MemorySegment.copy(MemorySegment.ofArray(src), 0, s, off + SRC, 4);
        MemorySegment.copy(MemorySegment.ofArray(dst), 0, s, off + DST, 4);
        Bytes.put16(s, off + CHECKSUM, Checksum.of(s, off, MIN_HEADER));
        return off + MIN_HEADER;
    }
}
