package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An IPv4 header (RFC 791 §3.1) and what it carries, as tcpdump 4.99's print-ip.c and
 * print-ip-demux.c word them; {@code -v} adds the header fields and checks its checksum.
 */
final class IpPrinter {
    static final int PROTO_SCTP = 132;
    /** IPv4 in IP (RFC 2003) and IPv6 in IP (RFC 4213). */
    static final int PROTO_IPIP = 4;
    static final int PROTO_IPV6 = 41;
    /** Sun's "network disk" protocol, which tcpdump still names. */
    static final int PROTO_ND = 77;
    static final int PROTO_DCCP = 33;
    static final int OPT_EOL = 0;
    static final int OPT_NOP = 1;
    static final int OPT_RA = 148;
    static final int OPT_RR = 7;
    static final int OPT_LSRR = 131;
    static final int OPT_SSRR = 137;
    static final int ROUTE_FIRST_ADDRESS = 3;
    static final int IP_RES = 0x8000;
    private static final int ECN_MASK = 0x03;

    private IpPrinter() {}

    /** {@code length}: the bytes the link layer says follow, from {@code off}. */
    static void print(PrintContext ctx, MemorySegment seg, long off, int length) {
        ctx.protocol = "ip";
        int version = PrintContext.u8(seg, off) >>> 4;
        if (version != Ipv4.VERSION) {
            ctx.print(version == Ipv6.VERSION ? "IP6, wrong link-layer encapsulation" : "IP" + version);
            ctx.print(" (invalid)");
            return;
        }
        if (!ctx.linkHeader()) {
            ctx.print("IP ");
        }
        if (!PrintContext.has(seg, off, Ipv4.MIN_HEADER_LENGTH)) {
            ctx.trunc();
            return;
        }
        if (length < Ipv4.MIN_HEADER_LENGTH) {
            ctx.print("truncated-ip ").print(length);
            return;
        }
        Ipv4 ip = Ipv4.of(seg, off, PrintContext.available(seg, off));
        int hlen = ip.headerLength();
        if (hlen < Ipv4.MIN_HEADER_LENGTH) {
            ctx.print("bad-hlen ").print(hlen);
            return;
        }
        int len = ip.totalLength();
        if (length < len) {
            ctx.print("truncated-ip - ").print(len - length).print(" bytes missing! ");
        }
        if (len < hlen) {
            ctx.print("bad-len ").print(len);
            return;
        }
        MemorySegment cut = PrintContext.cut(seg, off + len);
        int fragmentField = BigEndian.u16(seg, off + Ipv4.FLAGS_FRAGMENT);
        if (ctx.verbose() > 0 && !header(ctx, cut, off, ip, fragmentField)) {
            return;
        }
        int payload = len - hlen;
        if ((fragmentField & Ipv4.FRAGMENT_MASK) == 0) {
            int proto = ip.protocol();
            if (proto != IpPacket.PROTO_TCP && proto != IpPacket.PROTO_UDP && proto != PROTO_SCTP && proto != PROTO_DCCP) {
                ctx.print(ip.sourceText()).print(" > ").print(ip.destinationText()).print(": ");
            }
            if (!PrintContext.has(cut, off, hlen)) {
                ctx.print(" [remaining caplen(").print(PrintContext.available(cut, off)).print(") < header length(")
                        .print(hlen).print(")]");
                throw new Truncated();
            }
            Ipv4 whole = Ipv4.of(cut, off, PrintContext.available(cut, off));
            demux(ctx, cut, off + hlen, payload, whole, whole.protocol(), (fragmentField & Ipv4.FLAG_MF) != 0);
        } else {
            ctx.print(ip.sourceText()).print(" > ").print(ip.destinationText()).print(":");
            ctx.print(" ip-proto-").print(ip.protocol());
        }
    }

    /** The {@code -v} part in parentheses; false when options were cut short (line ended). */
    private static boolean header(PrintContext ctx, MemorySegment seg, long off, Ipv4 ip, int fragmentField) {
        int tos = ip.tos();
        ctx.print("(tos 0x").print(Integer.toHexString(tos));
        switch (tos & ECN_MASK) {
            case 1 -> ctx.print(",ECT(1)");
            case 2 -> ctx.print(",ECT(0)");
            case 3 -> ctx.print(",CE");
            default -> { }
        }
        if (ip.ttl() >= 1) {
            ctx.print(", ttl ").print(ip.ttl());
        }
        ctx.print(", id ").print(ip.identification()).print(", offset ")
                .print((long) (fragmentField & Ipv4.FRAGMENT_MASK) * Ipv4.FRAGMENT_UNIT).print(", flags [")
                .print(fragmentFlags(fragmentField)).print("], proto ").print(protocolName(ip.protocol()))
                .print(" (").print(ip.protocol()).print(")");
        ctx.print(", length ").print(ip.totalLength());
        int hlen = ip.headerLength();
        boolean cutShort = false;
        if (hlen > Ipv4.MIN_HEADER_LENGTH) {
            ctx.print(", options (");
            if (!options(ctx, seg, off + Ipv4.MIN_HEADER_LENGTH, hlen - Ipv4.MIN_HEADER_LENGTH)) {
                ctx.print(" [truncated-option]");
                cutShort = true;
            }
            ctx.print(")");
        }
        if (PrintContext.has(seg, off, hlen)) {
            int sum = Checksum.internet(seg, off, hlen);
            if (sum != 0) {
                int field = ip.headerChecksum();
                ctx.print(", bad cksum ").print(Integer.toHexString(field)).print(" (->")
                        .print(Integer.toHexString(PrintContext.shouldBe(field, sum))).print(")!");
            }
        }
        ctx.print(")\n    ");
        if (cutShort) {
            ctx.print(ip.sourceText()).print(" > ").print(ip.destinationText()).print(": ");
            ctx.trunc();
            return false;
        }
        return true;
    }

    /** RFC 791 §3.1 options by name, as tcpdump's ip_optprint; false when cut short. */
    private static boolean options(PrintContext ctx, MemorySegment seg, long cp, int length) {
        String sep = "";
        int left = length;
        while (left > 0) {
            ctx.print(sep);
            sep = ",";
            int code = PrintContext.u8(seg, cp);
            ctx.print(optionName(code));
            int optLen;
            if (code == OPT_NOP || code == OPT_EOL) {
                optLen = 1;
            } else {
                optLen = PrintContext.u8(seg, cp + 1);
                if (optLen < 2) {
                    ctx.print(" [bad length ").print(optLen).print("]");
                    return true;
                }
            }
            if (optLen > left) {
                ctx.print(" [bad length ").print(optLen).print("]");
                return true;
            }
            if (!PrintContext.has(seg, cp, optLen)) {
                return false;
            }
            if (code == OPT_EOL) {
                return true;
            }
            if (code == OPT_RR || code == OPT_LSRR || code == OPT_SSRR) {
                route(ctx, seg, cp, optLen);
            }
            if (code == OPT_RA) {
                if (optLen < 4) {
                    ctx.print(" [bad length ").print(optLen).print("]");
                } else if (BigEndian.u16(seg, cp + 2) != 0) {
                    ctx.print(" value ").print(BigEndian.u16(seg, cp + 2));
                }
            }
            cp += optLen;
            left -= optLen;
        }
        return true;
    }

    /** RFC 791 route options: the addresses, a comma after those already visited (before the pointer). */
    private static void route(PrintContext ctx, MemorySegment seg, long cp, int length) {
        if (length < ROUTE_FIRST_ADDRESS) {
            ctx.print(" [bad length ").print(length).print("]");
            return;
        }
        if (((length + 1) & 3) != 0) {
            ctx.print(" [bad length ").print(length).print("]");
        }
        int pointer = BigEndian.u8(seg, cp + 2);
        long ptr = (pointer - 1) & 0xffff_ffffL; // unsigned, as in print-ip.c: a zero pointer is "bad" and past all
        if (ptr < ROUTE_FIRST_ADDRESS || ((ptr + 1) & 3) != 0 || ptr > length + 1) {
            ctx.print(" [bad ptr ").print(pointer).print("]");
        }
        for (int at = ROUTE_FIRST_ADDRESS; at < length; at += 4) {
            ctx.print(" ").print(InetFormat.ipv4(BigEndian.s32(seg, cp + at)));
            if (ptr > at) {
                ctx.print(",");
            }
        }
    }

    private static String optionName(int code) {
        return switch (code) {
            case OPT_EOL -> "EOL";
            case OPT_NOP -> "NOP";
            case 68 -> "timestamp";
            case 130 -> "security";
            case OPT_RR -> "RR";
            case OPT_SSRR -> "SSRR";
            case OPT_LSRR -> "LSRR";
            case OPT_RA -> "RA";
            case 82 -> "traceroute";
            default -> "unknown " + code;
        };
    }

    /** "+" (more fragments), "DF", "rsvd", comma separated, or "none". */
    static String fragmentFlags(int field) {
        StringBuilder sb = new StringBuilder();
        if ((field & Ipv4.FLAG_MF) != 0) {
            sb.append('+');
        }
        if ((field & Ipv4.FLAG_DF) != 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append("DF");
        }
        if ((field & IP_RES) != 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append("rsvd");
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /** The transport after either IP version (print-ip-demux.c). */
    static void demux(PrintContext ctx, MemorySegment seg, long off, int length, IpPacket ip, int proto,
                      boolean fragmented) {
        switch (proto) {
            case IpPacket.PROTO_TCP -> TcpPrinter.print(ctx, seg, off, length, ip, fragmented);
            case IpPacket.PROTO_UDP -> UdpPrinter.print(ctx, seg, off, length, ip, fragmented);
            case IpPacket.PROTO_ICMP -> {
                if (ip instanceof Ipv4 v4) {
                    IcmpPrinter.print(ctx, seg, off, length, v4, fragmented);
                } else {
                    ctx.print("[ICMP requires IPv4] (invalid)");
                }
            }
            case IpPacket.PROTO_ICMPV6 -> {
                if (ip instanceof Ipv6 v6) {
                    Icmp6Printer.print(ctx, seg, off, length, v6, fragmented);
                } else {
                    ctx.print("[ICMPv6 requires IPv6] (invalid)");
                }
            }
            case PROTO_IPIP -> print(ctx, seg, off, length);
            case Ipv6.NO_NEXT_HEADER -> ctx.print("no next header");
            case PROTO_ND -> ctx.print(" nd ").print(length);
            case PROTO_IPV6 -> Ip6Printer.print(ctx, seg, off, length);
            default -> ctx.print(" ip-proto-").print(proto).print(" ").print(length);
        }
    }

    /** The protocol field of the IP header itself (for IPv6 the first Next Header). */
    static int headerProtocol(IpPacket ip) {
        return ip instanceof Ipv6 v6 ? v6.nextHeader() : ip.protocol();
    }

    static byte[] sourceBytes(IpPacket ip) {
        return ip instanceof Ipv6 v6 ? bytes(v6.source().hi(), v6.source().lo())
                : bytes(((Ipv4) ip).sourceBits());
    }

    static byte[] destinationBytes(IpPacket ip) {
        return ip instanceof Ipv6 v6 ? bytes(v6.destination().hi(), v6.destination().lo())
                : bytes(((Ipv4) ip).destinationBits());
    }

    private static byte[] bytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] bytes(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /** tcpdump's names of IP protocols (ipproto.c), "unknown" for others. */
    static String protocolName(int proto) {
        return switch (proto) {
            case 0 -> "Options";
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case PROTO_IPIP -> "IPIP";
            case 6 -> "TCP";
            case 8 -> "EGP";
            case 9 -> "IGRP";
            case 17 -> "UDP";
            case PROTO_DCCP -> "DCCP";
            case PROTO_IPV6 -> "IPv6";
            case 43 -> "Routing";
            case 44 -> "Fragment";
            case 46 -> "RSVP";
            case 47 -> "GRE";
            case 50 -> "ESP";
            case 51 -> "AH";
            case 55 -> "Mobile IP";
            case 58 -> "ICMPv6";
            case 62 -> "Mobile IP (old)";
            case 88 -> "EIGRP";
            case 89 -> "OSPF";
            case 103 -> "PIM";
            case 108 -> "Compressed IP";
            case 112 -> "VRRP";
            case 113 -> "PGM";
            case PROTO_SCTP -> "SCTP";
            case 135 -> "Mobility";
            case 143 -> "Ethernet";
            default -> "unknown";
        };
    }
}
