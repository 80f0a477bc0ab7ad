package org.tapline.os;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Decoding of {@code struct sockaddr} pointers handed out by getifaddrs(3) and libpcap
 * (netinet/in.h, linux/if_packet.h). Unknown families decode to null.
 */
final class Sockaddrs {
    /** sockaddr_in: family(2) port(2) addr(4). */
    private static final int SIN_ADDR = 4;
    /** sockaddr_in6: family(2) port(2) flowinfo(4) addr(16) scope_id(4). */
    static final int SIN6_ADDR = 8;
    static final int SIN6_SCOPE = 24;
    /** sockaddr_ll: family(2) protocol(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8). */
    private static final int SLL_HALEN = 11;
    private static final int SLL_ADDR = 12;

    private Sockaddrs() {}

    static int family(MemorySegment sa) {
        return sa.equals(MemorySegment.NULL) ? -1 : Short.toUnsignedInt(sa.reinterpret(2).get(JAVA_SHORT, 0));
    }

    static InetAddress toInet(MemorySegment sa) throws UnknownHostException {
        int family = family(sa);
        if (family == Libc.AF_INET) {
            return InetAddress.getByAddress(sa.reinterpret(16).asSlice(SIN_ADDR, 4).toArray(JAVA_BYTE));
        }
        if (family == Libc.AF_INET6) {
            MemorySegment s = sa.reinterpret(28);
            byte[] b = s.asSlice(SIN6_ADDR, 16).toArray(JAVA_BYTE);
            int scope = s.get(JAVA_INT, SIN6_SCOPE);
            return scope != 0 && b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0x80
                    ? java.net.Inet6Address.getByAddress(null, b, scope)
                    : InetAddress.getByAddress(b);
        }
        return null;
    }

    /** The link-layer address of an AF_PACKET sockaddr_ll, or null. */
    static byte[] linkAddress(MemorySegment sa) {
        if (family(sa) != Libc.AF_PACKET) {
            return null;
        }
        MemorySegment s = sa.reinterpret(20);
        int len = Math.min(8, Byte.toUnsignedInt(s.get(JAVA_BYTE, SLL_HALEN)));
        return s.asSlice(SLL_ADDR, len).toArray(JAVA_BYTE);
    }

    /** Counts the leading one bits of a netmask sockaddr; -1 if there is none. */
    static int prefixLength(MemorySegment mask) throws UnknownHostException {
        InetAddress m = toInet(mask);
        if (m == null) {
            return -1;
        }
        int bits = 0;
        for (byte b : m.getAddress()) {
            bits += Integer.bitCount(b & 0xff);
        }
        return bits;
    }
}
