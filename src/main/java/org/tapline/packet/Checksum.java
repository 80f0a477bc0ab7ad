package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071) and the pseudo-header sums TCP, UDP (RFC 768, RFC 9293
 * §3.1) and ICMPv6 (RFC 8200 §8.1) add for IPv4 and IPv6.
 */
public final class Checksum {
    private Checksum() {}

    /** The one's complement sum of {@code len} bytes, not yet folded or inverted. */
    public static long sum(MemorySegment s, long off, long len) {
        long acc = 0;
        long i = 0;
        for (; i + 1 < len; i += 2) {
            acc += Bytes.u16(s, off + i);
        }
        if (i < len) {
            acc += Bytes.u8(s, off + i) << 8;
        }
        return acc;
    }

    /** Folds a running sum to 16 bits and inverts it: the value to put in a checksum field. */
    public static int finish(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) (~acc & 0xffff);
    }

    /** The checksum of a byte range (e.g. an IPv4 header with its checksum field zeroed, or as is to verify: 0). */
    public static int of(MemorySegment s, long off, long len) {
        return finish(sum(s, off, len));
    }

    /** Sum of the IPv4 pseudo-header: source, destination, protocol, transport length. */
    public static long ipv4Pseudo(MemorySegment ip, long ipOff, int protocol, int length) {
        return sum(ip, ipOff + Ipv4.SRC, 8) + protocol + length;
    }

    /** Sum of the IPv6 pseudo-header: source, destination, upper-layer length, next header. */
    public static long ipv6Pseudo(MemorySegment ip, long ipOff, int nextHeader, long length) {
        return sum(ip, ipOff + Ipv6.SRC, 32) + (length >>> 16) + (length & 0xffff) + nextHeader;
    }
}
