package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071) and the pseudo-header sums that TCP (RFC 9293 §3.1),
 * UDP (RFC 768), ICMPv6 (RFC 4443 §2.3) and all upper layers over IPv6 (RFC 8200 §8.1) add in.
 *
 * <p>Work in two steps: accumulate with {@link #sum} and the pseudo-header methods (plain
 * {@code long} addition, any order, any number of even-length pieces), then {@link #finish}.
 * A received message verifies when {@code finish(sum over it, checksum field included) == 0}.
 */
public final class Checksum {
    private static final int WORD = 0xffff;

    private Checksum() {}

    /**
     * Unfolded sum of {@code len} bytes as big-endian 16-bit words, an odd last byte padded
     * with zero (RFC 1071 §4.1). The caller guarantees the bytes are present.
     */
    public static long sum(MemorySegment seg, long off, long len) {
        long s = 0;
        long i = 0;
        // 32-bit words are congruent to the sum of their halves modulo 0xffff (RFC 1071 §2(B)).
        for (; i + 4 <= len; i += 4) {
            s += BigEndian.u32(seg, off + i);
        }
        if (i + 2 <= len) {
            s += BigEndian.u16(seg, off + i);
            i += 2;
        }
        if (i < len) {
            s += (long) BigEndian.u8(seg, off + i) << 8;
        }
        return s;
    }

    /** Folds carries into a 16-bit one's-complement sum. */
    public static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & WORD) + (s >>> 16);
        }
        return (int) s;
    }

    /** The value for a checksum field: one's complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & WORD;
    }

    /** RFC 1071 checksum of {@code len} bytes, e.g. an IPv4 header or an ICMP message. */
    public static int internet(MemorySegment seg, long off, long len) {
        return finish(sum(seg, off, len));
    }

    /**
     * IPv4 pseudo-header sum (RFC 9293 §3.1, RFC 768): source, destination, zero, protocol,
     * upper-layer length.
     */
    public static long pseudoHeaderV4(int src, int dst, int protocol, long length) {
        return (src >>> 16) + (src & WORD) + (dst >>> 16) + (dst & WORD) + protocol + length;
    }

    /**
     * IPv6 pseudo-header sum (RFC 8200 §8.1): source, destination, 32-bit upper-layer length,
     * three zero bytes, next header.
     */
    public static long pseudoHeaderV6(Ipv6Address src, Ipv6Address dst, int nextHeader, long length) {
        return words(src.hi()) + words(src.lo()) + words(dst.hi()) + words(dst.lo())
                + (length >>> 16) + (length & WORD) + nextHeader;
    }

    private static long words(long v) {
        return (v >>> 48) + ((v >>> 32) & WORD) + ((v >>> 16) & WORD) + (v & WORD);
    }
}
