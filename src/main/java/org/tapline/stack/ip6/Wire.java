package org.tapline.stack.ip6;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.tapline.packet.Checksum;
import org.tapline.packet.IpPacket;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/** Big-endian field access and the IPv6 address facts (RFC 4291) this package uses. */
final class Wire {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** ff02::1, all nodes on the link (RFC 4291 §2.7.1). */
    static final IpAddress ALL_NODES = new IpAddress(0xff02_0000_0000_0000L, 1);
    /** ff02::2, all routers on the link. */
    static final IpAddress ALL_ROUTERS = new IpAddress(0xff02_0000_0000_0000L, 2);
    /** ff02::16, where MLDv2 reports go (RFC 3810 §5.2.14). */
    static final IpAddress ALL_MLDV2_ROUTERS = new IpAddress(0xff02_0000_0000_0000L, 0x16);

    private Wire() {}

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    static int u16(MemorySegment s, long off) {
        return s.get(U16, off) & 0xffff;
    }

    static long u32(MemorySegment s, long off) {
        return s.get(U32, off) & 0xffff_ffffL;
    }

    static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    static void put16(MemorySegment s, long off, int v) {
        s.set(U16, off, (short) v);
    }

    static void put32(MemorySegment s, long off, long v) {
        s.set(U32, off, (int) v);
    }

    /** fe80::/10. */
    static boolean isLinkLocal(IpAddress a) {
        return (a.hi() >>> 54) == (0xfe80L >>> 6);
    }

    static boolean isMulticast(IpAddress a) {
        return (a.hi() >>> 56) == 0xff;
    }

    /** The solicited-node group of {@code a}: ff02::1:ff00:0/104 and its low 24 bits (RFC 4291 §2.7.1). */
    static IpAddress solicitedNode(IpAddress a) {
        return new IpAddress(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (a.lo() & 0xff_ffffL));
    }

    /** The Ethernet address of IPv6 multicast {@code group}: 33:33 and its last 32 bits (RFC 2464 §7). */
    static MacAddress groupMac(IpAddress group) {
        return new MacAddress(0x3333_0000_0000L | (group.lo() & 0xffff_ffffL));
    }

    /** The modified EUI-64 interface identifier of {@code mac} (RFC 4291 Appendix A): U/L bit inverted, ff:fe inserted. */
    static long eui64(MacAddress mac) {
        long m = mac.bits();
        long id = (m >>> 24) << 40 | 0xfffeL << 24 | (m & 0xff_ffffL);
        return id ^ 0x0200_0000_0000_0000L;
    }

    /**
     * The scope of {@code a} for RFC 6724 §3.1: 2 link-local (and loopback), 14 global (unique
     * local addresses too, §3.1), a multicast address's own scope field.
     */
    static int scope(IpAddress a) {
        if (isMulticast(a)) {
            return (int) (a.hi() >>> 48) & 0xf;
        }
        if (isLinkLocal(a) || a.hi() == 0 && a.lo() == 1) {
            return 2;
        }
        return 14;
    }

    /** Writes the ICMPv6 checksum (RFC 4443 §2.3) of the message {@code m[0, len)}. */
    static void icmpChecksum(MemorySegment m, int len, IpAddress src, IpAddress dst) {
        put16(m, 2, 0);
        long sum = IpAddress.pseudoHeaderSum(src, dst, IpPacket.PROTO_ICMPV6, len) + Checksum.sum(m, 0, len);
        put16(m, 2, Checksum.finish(sum));
    }
}
