package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * BSD loopback captures (LINKTYPE_NULL, and OpenBSD's LINKTYPE_LOOP) as tcpdump 4.99's
 * print-null.c words them: a 4-byte address family, then the packet. The family is read in
 * little-endian order (the order of the machines tcpdump runs on here) and swapped when its high
 * half is set, which covers files from hosts of either order. Only the BSD numbers are known:
 * IPv4 is 2, IPv6 24, 28 or 30 (Linux's 10 is not a BSD family, as in tcpdump).
 */
final class LoopbackPrinter {
    static final int AF_INET = 2;
    static final int AF_NS = 6;
    static final int AF_ISO = 7;
    static final int AF_APPLETALK = 16;
    static final int AF_IPX = 23;
    private static final int HIGH_HALF = 0xffff_0000;

    private LoopbackPrinter() {}

    /** Prints the packet; the family word's length (what {@code -x} leaves out). */
    static int print(PrintContext ctx, MemorySegment seg, int length) {
        ctx.protocol = "null";
        // print-null.c's bounds check ends the whole line (ND_LONGJMP_FROM_TCHECK).
        PrintContext.need(seg, 0, Summary.NULL_HEADER_LENGTH);
        int family = seg.get(BigEndian.U32.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if ((family & HIGH_HALF) != 0) {
            family = Integer.reverseBytes(family);
        }
        if (ctx.linkHeader()) {
            header(ctx, family, length);
        }
        long p = Summary.NULL_HEADER_LENGTH;
        int left = length - Summary.NULL_HEADER_LENGTH;
        switch (family) {
            case AF_INET -> IpPrinter.print(ctx, seg, p, left);
            case Summary.AF_INET6_BSD, Summary.AF_INET6_FREEBSD, Summary.AF_INET6_DARWIN -> Ip6Printer.print(ctx, seg, p, left);
            default -> {
                if (!ctx.linkHeader()) {
                    header(ctx, family, length);
                }
                EtherPrinter.unknownPayload(ctx, seg, p);
            }
        }
        return Summary.NULL_HEADER_LENGTH;
    }

    private static void header(PrintContext ctx, int family, int length) {
        String name = switch (family) {
            case AF_INET -> "IPv4";
            case AF_NS -> "NS";
            case AF_ISO -> "ISO";
            case AF_APPLETALK -> "Appletalk";
            case AF_IPX -> "IPX";
            case Summary.AF_INET6_BSD, Summary.AF_INET6_FREEBSD, Summary.AF_INET6_DARWIN -> "IPv6";
            default -> null;
        };
        String af = Integer.toUnsignedString(family);
        if (ctx.quiet()) {
            ctx.print(name != null ? name : "Unknown AF " + af);
        } else {
            ctx.print("AF " + (name != null ? name : "Unknown") + " (" + af + ")");
        }
        ctx.print(", length ").print(length).print(": ");
    }
}
