package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Neighbor Discovery options (RFC 4861 §4.6, RFC 8106 for RDNSS) as tcpdump 4.99's
 * icmp6_opt_print shows them with {@code -v}: one indented line each, and with {@code -vv}
 * the option's bytes in hex after it. Not reproduced: DNSSL's domain names (RFC 8106 §5.2).
 */
final class NdOptions {
    static final int SOURCE_LINKADDR = 1;
    static final int TARGET_LINKADDR = 2;
    static final int PREFIX_INFORMATION = 3;
    static final int REDIRECTED_HEADER = 4;
    static final int MTU = 5;
    static final int RDNSS = 25;
    static final int ADVERTISEMENT_INTERVAL = 7;
    static final int HOME_AGENT = 8;
    static final int ROUTE_INFORMATION = 24;
    static final int ROUTE_PREFIX_LENGTH = 2;
    static final int ROUTE_FLAGS = 3;
    static final int ROUTE_LIFETIME = 4;
    static final int ROUTE_PREFIX = 8;
    /** Options count their length in units of 8 octets. */
    static final int UNIT = 8;
    static final int HEADER = 2;
    static final int PREFIX_LENGTH = 2;
    static final int PREFIX_FLAGS = 3;
    static final int PREFIX_VALID = 4;
    static final int PREFIX_PREFERRED = 8;
    static final int PREFIX = 16;
    static final int MTU_VALUE = 4;
    static final int RDNSS_LIFETIME = 4;
    static final int RDNSS_ADDRESSES = 8;
    private static final long INFINITY = 0xffff_ffffL;
    private static final int RTPREF_SHIFT = 3;

    private NdOptions() {}

    /** Prints the options in {@code resid} bytes at {@code off}; false when cut short ({@code [|icmp6]}). */
    static boolean print(PrintContext ctx, MemorySegment seg, long off, int resid) {
        long cp = off;
        long left = resid;
        while (cp < seg.byteSize()) {
            if (!PrintContext.has(seg, cp + 1, 1)) {
                return cut(ctx);
            }
            if (left <= 0) {
                return true;
            }
            int type = BigEndian.u8(seg, cp);
            int units = BigEndian.u8(seg, cp + 1);
            int len = units * UNIT;
            if (units == 0 || !PrintContext.has(seg, cp, len)) {
                return cut(ctx);
            }
            ctx.print("\n\t  ").print(name(type)).print(" option (").print(type).print("), length ").print(len)
                    .print(" (").print(units).print("): ");
            switch (type) {
                case SOURCE_LINKADDR, TARGET_LINKADDR -> {
                    for (int i = HEADER; i < len; i++) {
                        if (i > HEADER) {
                            ctx.print(":");
                        }
                        ctx.print(hex2(BigEndian.u8(seg, cp + i)));
                    }
                }
                case PREFIX_INFORMATION -> {
                    int flags = PrintContext.u8(seg, cp + PREFIX_FLAGS);
                    StringBuilder f = new StringBuilder();
                    Icmp6Printer.flag(f, flags, 0x80, "onlink");
                    Icmp6Printer.flag(f, flags, 0x40, "auto");
                    Icmp6Printer.flag(f, flags, 0x20, "router");
                    ctx.print(Icmp6Printer.address(seg, cp + PREFIX)).print("/").print(BigEndian.u8(seg, cp + PREFIX_LENGTH))
                            .print(units != 4 ? "badlen" : "").print(", Flags [").print(f.isEmpty() ? "none" : f.toString())
                            .print("], valid time ").print(lifetime(PrintContext.u32(seg, cp + PREFIX_VALID)))
                            .print(", pref. time ").print(lifetime(PrintContext.u32(seg, cp + PREFIX_PREFERRED)));
                }
                case REDIRECTED_HEADER -> HexDump.hex(ctx.out, "\n\t    ", seg, off,
                        Math.min(len, PrintContext.available(seg, off)));
                case MTU -> ctx.print(" ").print(PrintContext.u32(seg, cp + MTU_VALUE)).print(units != 1 ? "bad option length" : "");
                case RDNSS -> {
                    ctx.print(" lifetime ").print(PrintContext.u32(seg, cp + RDNSS_LIFETIME)).print("s,");
                    for (int i = 0; i < (units - 1) / 2; i++) {
                        ctx.print(" addr: ").print(Icmp6Printer.address(seg, cp + RDNSS_ADDRESSES + (long) i * Ipv6Address.LENGTH));
                    }
                }
                case ADVERTISEMENT_INTERVAL -> ctx.print(" " + PrintContext.u32(seg, cp + 4) + "ms");
                case HOME_AGENT -> ctx.print(" preference " + PrintContext.u16(seg, cp + 4) + ", lifetime "
                        + PrintContext.u16(seg, cp + 6));
                case ROUTE_INFORMATION -> {
                    if (!routeInformation(ctx, seg, cp, units)) {
                        return cut(ctx);
                    }
                }
                default -> {
                    if (ctx.verbose() <= 1) {
                        HexDump.hex(ctx.out, "\n\t  ", seg, cp + HEADER, len - HEADER);
                        return true;
                    }
                }
            }
            if (ctx.verbose() > 1) {
                HexDump.hex(ctx.out, "\n\t    ", seg, cp + HEADER, len - HEADER);
            }
            cp += len;
            left -= len;
        }
        return true;
    }

    /** RFC 4191 §2.3: prefix (0, 8 or 16 bytes of it by the option's length), preference, lifetime. */
    private static boolean routeInformation(PrintContext ctx, MemorySegment seg, long cp, int units) {
        if (!PrintContext.has(seg, cp + ROUTE_LIFETIME, 4)) {
            return false;
        }
        long prefixBytes = switch (units) {
            case 1 -> 0;
            case 2 -> 8;
            case 3 -> Ipv6Address.LENGTH;
            default -> -1;
        };
        if (prefixBytes < 0) {
            return false;
        }
        PrintContext.need(seg, cp + ROUTE_PREFIX, prefixBytes);
        long hi = prefixBytes >= 8 ? BigEndian.s64(seg, cp + ROUTE_PREFIX) : 0;
        long lo = prefixBytes == Ipv6Address.LENGTH ? BigEndian.s64(seg, cp + ROUTE_PREFIX + 8) : 0;
        ctx.print(" " + InetFormat.ipv6(hi, lo) + "/" + BigEndian.u8(seg, cp + ROUTE_PREFIX_LENGTH));
        ctx.print(", pref=" + preference(BigEndian.u8(seg, cp + ROUTE_FLAGS)));
        ctx.print(", lifetime=" + lifetime(BigEndian.u32(seg, cp + ROUTE_LIFETIME)));
        return true;
    }

    private static boolean cut(PrintContext ctx) {
        ctx.trunc();
        return false;
    }

    static String name(int type) {
        return switch (type) {
            case SOURCE_LINKADDR -> "source link-address";
            case TARGET_LINKADDR -> "destination link-address";
            case PREFIX_INFORMATION -> "prefix info";
            case REDIRECTED_HEADER -> "redirected header";
            case MTU -> "mtu";
            case RDNSS -> "rdnss";
            case 31 -> "dnssl";
            case ADVERTISEMENT_INTERVAL -> "advertisement interval";
            case HOME_AGENT -> "homeagent information";
            case ROUTE_INFORMATION -> "route info";
            default -> "unknown";
        };
    }

    /** RFC 4191 §2.1 router preference bits of a flags byte. */
    static String preference(int flags) {
        return switch ((flags >>> RTPREF_SHIFT) & 3) {
            case 0 -> "medium";
            case 1 -> "high";
            case 2 -> "rsv";
            default -> "low";
        };
    }

    private static String lifetime(long v) {
        return v == INFINITY ? "infinity" : v + "s";
    }

    private static String hex2(int b) {
        return (b < 0x10 ? "0" : "") + Integer.toHexString(b);
    }
}
