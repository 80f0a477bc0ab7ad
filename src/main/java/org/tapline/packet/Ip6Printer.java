package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An IPv6 header (RFC 8200) and its extension headers as tcpdump 4.99's print-ip6.c,
 * print-ip6opts.c and print-frag6.c word them; {@code -v} adds class, flow label, hop limit,
 * next header and payload length. Routing, mobility, AH and ESP headers and jumbograms are not
 * reproduced: their packets print as an unknown protocol.
 */
final class Ip6Printer {
    static final int PAD1 = 0;
    static final int PADN = 1;
    static final int ROUTER_ALERT = 5;
    static final int ROUTER_ALERT_LENGTH = 4;
    /** RFC 2675 Jumbo Payload option. */
    static final int JUMBO = 0xc2;
    static final int JUMBO_LENGTH = 6;
    static final long JUMBO_MIN = 65536;
    static final int OPTION_MIN_LENGTH = 2;
    static final int FRAG_ID = 4;
    private static final int CLASS_MASK = 0x0ff0_0000;
    private static final int FLOW_MASK = 0x000f_ffff;

    private Ip6Printer() {}

    static void print(PrintContext ctx, MemorySegment seg, long off, int length) {
        ctx.protocol = "ip6";
        if (!PrintContext.has(seg, off, Ipv6.HEADER_LENGTH)) {
            ctx.trunc();
            return;
        }
        if (length < Ipv6.HEADER_LENGTH) {
            ctx.print("truncated-ip6 ").print(length);
            return;
        }
        if (!ctx.linkHeader()) {
            ctx.print("IP6 ");
        }
        int version = BigEndian.u8(seg, off) >>> 4;
        if (version != Ipv6.VERSION) {
            ctx.print("version error: ").print(version).print(" != 6");
            return;
        }
        int payloadLength = BigEndian.u16(seg, off + Ipv6.PAYLOAD_LENGTH);
        long len;
        if (payloadLength != 0) {
            len = payloadLength + (long) Ipv6.HEADER_LENGTH;
            if (length < len) {
                ctx.print("truncated-ip6 - ").print(len - length).print(" bytes missing!");
            }
        } else {
            len = length + (long) Ipv6.HEADER_LENGTH;
        }
        int nh = BigEndian.u8(seg, off + Ipv6.NEXT_HEADER);
        if (ctx.verbose() > 0) {
            int flow = (int) BigEndian.u32(seg, off);
            ctx.print("(");
            if ((flow & CLASS_MASK) != 0) {
                String c = Integer.toHexString((flow & CLASS_MASK) >>> 20);
                ctx.print("class 0x").print(c.length() == 1 ? "0" + c : c).print(", ");
            }
            if ((flow & FLOW_MASK) != 0) {
                String f = Integer.toHexString(flow & FLOW_MASK);
                ctx.print("flowlabel 0x").print("00000".substring(f.length()) + f).print(", ");
            }
            ctx.print("hlim ").print(BigEndian.u8(seg, off + Ipv6.HOP_LIMIT)).print(", next-header ")
                    .print(IpPrinter.protocolName(nh)).print(" (").print(nh).print(") payload length: ")
                    .print(payloadLength).print(") ");
        }
        MemorySegment cut = PrintContext.cut(seg, off + len);
        Ipv6 ip = Ipv6.of(cut, off, PrintContext.available(cut, off));
        long cp = off;
        long advance = Ipv6.HEADER_LENGTH;
        boolean fragmented = false;
        boolean sawHopByHop = false;
        int previous = -1;
        while (cp < cut.byteSize() && advance > 0) {
            if (len < advance) {
                ctx.trunc();
                return;
            }
            cp += advance;
            len -= advance;
            if (cp == off + Ipv6.HEADER_LENGTH && nh != IpPacket.PROTO_TCP && nh != IpPacket.PROTO_UDP
                    && nh != IpPrinter.PROTO_DCCP && nh != IpPrinter.PROTO_SCTP) {
                ctx.print(ip.sourceText()).print(" > ").print(ip.destinationText()).print(": ");
            }
            switch (nh) {
                case Ipv6.HOP_BY_HOP -> {
                    if (sawHopByHop) {
                        ctx.print("[The Hop-by-Hop Options header was already found] (invalid)");
                        return;
                    }
                    if (previous != -1) {
                        ctx.print("[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)");
                        return;
                    }
                    advance = options(ctx, cut, cp, "hbhopt", "HBH ", true, payloadLength);
                    if (payloadLength == 0) {
                        // RFC 2675 jumbograms are not supported: a zero payload length is not valid here.
                        ctx.print("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)");
                        return;
                    }
                    if (advance < 0) {
                        return;
                    }
                    sawHopByHop = true;
                    nh = BigEndian.u8(cut, cp);
                }
                case Ipv6.DESTINATION_OPTIONS -> {
                    advance = options(ctx, cut, cp, "dstopt", "DSTOPT ", ctx.verbose() > 0, payloadLength);
                    if (advance < 0) {
                        return;
                    }
                    nh = BigEndian.u8(cut, cp);
                }
                case Ipv6.FRAGMENT -> {
                    advance = fragment(ctx, cut, cp, off, payloadLength);
                    if (advance < 0 || cut.byteSize() <= cp + advance) {
                        return;
                    }
                    nh = BigEndian.u8(cut, cp);
                    fragmented = true;
                }
                default -> {
                    if (payloadLength == 0) {
                        if (cp != off + Ipv6.HEADER_LENGTH) {
                            ctx.trunc();
                            return;
                        }
                        // No jumbogram support: a zero payload length leaves nothing after the header.
                        cut = PrintContext.cut(cut, off + Ipv6.HEADER_LENGTH);
                        len = 0;
                    }
                    IpPrinter.demux(ctx, cut, cp, (int) len, ip, nh, fragmented);
                    return;
                }
            }
            previous = nh;
            ctx.protocol = "ip6";
        }
    }

    /** Hop-by-hop or destination options; the header's length, or -1 when cut short. */
    private static long options(PrintContext ctx, MemorySegment seg, long cp, String protocol, String name,
                                boolean show, int payloadLength) {
        ctx.protocol = protocol;
        int total = (PrintContext.u8(seg, cp + 1) + 1) * 8;
        if (!PrintContext.has(seg, cp, total)) {
            ctx.trunc();
            return -1;
        }
        ctx.print(name);
        if (show && !optionList(ctx, seg, cp + 2, total - 2, protocol.equals("hbhopt"), payloadLength)) {
            ctx.trunc();
            return -1;
        }
        return total;
    }

    /** RFC 8200 §4.2 options: Pad1, PadN, Router Alert (RFC 2711), others by type. */
    private static boolean optionList(PrintContext ctx, MemorySegment seg, long bp, int len, boolean hopByHop,
                                      int payloadLength) {
        if (len == 0) {
            return true;
        }
        boolean sawJumbo = false;
        int optLen;
        for (int i = 0; i < len; i += optLen) {
            int type = BigEndian.u8(seg, bp + i);
            if (type == PAD1) {
                optLen = 1;
            } else if (i + 1 < len) {
                optLen = BigEndian.u8(seg, bp + i + 1) + 2;
            } else {
                return false;
            }
            if (i + optLen > len) {
                return false;
            }
            switch (type) {
                case PAD1 -> ctx.print(ctx.verbose() > 0 ? "(pad1)" : "");
                case PADN -> {
                    if (len - i < OPTION_MIN_LENGTH) {
                        ctx.print("(padn: trunc)");
                        return false;
                    }
                    ctx.print(ctx.verbose() > 0 ? "(padn)" : "");
                }
                case JUMBO -> {
                    if (len - i < JUMBO_LENGTH) {
                        ctx.print("(jumbo: trunc)");
                        return false;
                    }
                    if (BigEndian.u8(seg, bp + i + 1) != JUMBO_LENGTH - 2) {
                        ctx.print("(jumbo: invalid len ").print(BigEndian.u8(seg, bp + i + 1)).print(")");
                        return false;
                    }
                    long jumbo = BigEndian.u32(seg, bp + i + 2);
                    String why = sawJumbo ? " - already seen" : !hopByHop ? " - not a hop-by-hop option"
                            : payloadLength != 0 ? " - payload len != 0" : jumbo < JUMBO_MIN ? " - < 65536" : "";
                    sawJumbo = true;
                    if (ctx.verbose() > 0) {
                        // RFC 2675 §2; a valid one is named, but tapline does not take the jumbogram's length.
                        ctx.print("(jumbo: ").print(jumbo).print(why).print(") ");
                    }
                }
                case ROUTER_ALERT -> {
                    if (len - i < ROUTER_ALERT_LENGTH) {
                        ctx.print("(rtalert: trunc)");
                        return false;
                    }
                    if (BigEndian.u8(seg, bp + i + 1) != ROUTER_ALERT_LENGTH - 2) {
                        ctx.print("(rtalert: invalid len ").print(BigEndian.u8(seg, bp + i + 1)).print(")");
                        return false;
                    }
                    if (ctx.verbose() > 0) {
                        ctx.print("(rtalert: 0x").print(PrintContext.hex4(BigEndian.u16(seg, bp + i + 2))).print(") ");
                    }
                }
                default -> {
                    if (len - i < OPTION_MIN_LENGTH) {
                        ctx.print("(type ").print(type).print(": trunc)");
                        return false;
                    }
                    if (ctx.verbose() > 0) {
                        String t = Integer.toHexString(type);
                        ctx.print("(opt_type 0x").print(t.length() == 1 ? "0" + t : t).print(": len=")
                                .print(BigEndian.u8(seg, bp + i + 1)).print(")");
                    }
                }
            }
        }
        if (ctx.verbose() > 0) {
            ctx.print(" ");
        }
        return true;
    }

    /** RFC 8200 §4.5: "frag (offset|length)", with -v the identification; -1 for later fragments. */
    private static long fragment(PrintContext ctx, MemorySegment seg, long cp, long ipOff, int payloadLength) {
        ctx.protocol = "frag6";
        int offset = PrintContext.u16(seg, cp + Ipv6.FRAG_OFFSET_FLAGS) & Ipv6.FRAG_OFFSET_MASK;
        long length = Ipv6.HEADER_LENGTH + (long) payloadLength - (cp - ipOff) - Ipv6.FRAG_LENGTH;
        if (ctx.verbose() > 0) {
            String id = Long.toHexString(PrintContext.u32(seg, cp + FRAG_ID));
            ctx.print("frag (0x").print("00000000".substring(id.length()) + id).print(":");
        } else {
            ctx.print("frag (");
        }
        ctx.print(offset).print("|").print(length).print(")");
        if (offset != 0) {
            return -1;
        }
        ctx.print(" ");
        return Ipv6.FRAG_LENGTH;
    }
}
