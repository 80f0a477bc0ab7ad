package org.tapline.stack.ip6;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv6;

/** Walks an IPv6 extension header chain (RFC 8200 §4) without acting on it. */
final class Headers {
    private Headers() {}

    /** Whether {@code nh} is an extension header this walk can step over. */
    static boolean isExtension(int nh) {
        return nh == Ipv6.HOP_BY_HOP || nh == Ipv6.ROUTING || nh == Ipv6.FRAGMENT || nh == Ipv6.DESTINATION_OPTIONS
                || nh == Ipv6.AUTHENTICATION;
    }

    /** The length of the extension header of type {@code nh} at {@code at}; the caller has 2 bytes there. */
    static int length(MemorySegment s, int nh, long at) {
        return switch (nh) {
            case Ipv6.FRAGMENT -> 8;
            case Ipv6.AUTHENTICATION -> (Wire.u8(s, at + 1) + 2) * 4; // RFC 4302 §2.2
            default -> (Wire.u8(s, at + 1) + 1) * 8;
        };
    }

    /**
     * Steps over the extension headers starting with {@code nh} at {@code at}: returns the
     * upper-layer header's offset shifted left by 8 with its protocol in the low byte, or -1 when
     * the chain runs past {@code end}.
     */
    static long upper(MemorySegment s, int nh, long at, long end) {
        int type = nh;
        long p = at;
        for (int n = 0; isExtension(type); n++) {
            if (end - p < 2 || n > 32) {
                return -1;
            }
            int len = length(s, type, p);
            if (p + len > end) {
                return -1;
            }
            type = Wire.u8(s, p);
            p += len;
        }
        return p << 8 | type;
    }

    /** The smallest upper-layer header RFC 7112 asks the first fragment to hold (UDP 8, TCP 20, ICMPv6 4). */
    static int minimumUpper(int protocol) {
        return switch (protocol) {
            case IpPacket.PROTO_TCP -> 20;
            case IpPacket.PROTO_UDP -> 8;
            case IpPacket.PROTO_ICMPV6 -> 4;
            default -> 0;
        };
    }
}
