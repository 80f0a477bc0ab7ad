package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An ICMP message (RFC 792, RFC 1191, RFC 1812 §5.2.7.1) as tcpdump 4.99's print-icmp.c words
 * it. With {@code -v}: a wrong checksum, and for errors the quoted datagram on the next line.
 * RFC 4884 extensions are {@link IcmpExtensions}.
 */
final class IcmpPrinter {
    static final int ROUTER_ADVERT = 9;
    static final int ROUTER_SOLICIT = 10;
    static final int INFO_REQUEST = 15;
    static final int INFO_REPLY = 16;
    static final int MASK_REQUEST = 17;
    static final int MASK_REPLY = 18;
    /** Where the quoted IP header starts, and the fields read from it. */
    static final int QUOTED = Icmp.HEADER_LENGTH;
    static final int QUOTED_PROTOCOL = QUOTED + Ipv4.PROTOCOL;
    static final int QUOTED_DST = QUOTED + Ipv4.DST;
    static final int GATEWAY = 4;
    static final int POINTER = 4;
    static final int MASK = 8;
    static final int ORIGINATE = 8;
    static final int RECEIVE = 12;
    static final int TRANSMIT = 16;
    /** RFC 1256 §3.1 router advertisement: count, entry size in words, lifetime; 8-byte entries. */
    static final int ADVERT_COUNT = 4;
    static final int ADVERT_LIFETIME = 6;
    static final int ADVERT_ENTRY = 8;

    private IcmpPrinter() {}

    static void print(PrintContext ctx, MemorySegment seg, long off, int length, Ipv4 ip, boolean fragmented) {
        ctx.protocol = "icmp";
        int type = PrintContext.u8(seg, off + Icmp.TYPE);
        int code = PrintContext.u8(seg, off + Icmp.CODE);
        String text = text(seg, off, type, code);
        if (text == null) {
            ctx.trunc(); // print-icmp.c's ND_TCHECK: the line ends without the message, nothing more
            return;
        }
        ctx.print("ICMP ").print(text).print(", length ").print(length);
        if (ctx.verbose() > 0 && !fragmented && PrintContext.has(seg, off, length)) {
            int sum = Checksum.internet(seg, off, length);
            if (sum != 0) {
                int field = PrintContext.u16(seg, off + Icmp.CHECKSUM);
                ctx.print(" (wrong icmp cksum ").print(Integer.toHexString(field)).print(" (->")
                        .print(Integer.toHexString(PrintContext.shouldBe(field, sum))).print(")!)");
            }
        }
        if (ctx.verbose() > 0 && isError(type)) {
            long inner = off + QUOTED;
            ctx.print("\n\t");
            int innerLength = PrintContext.u16(seg, inner + Ipv4.TOTAL_LENGTH);
            IpPrinter.print(ctx, PrintContext.cut(seg, inner + innerLength), inner, innerLength);
        }
        ctx.protocol = "icmp";
        if (ctx.verbose() > 0 && length > IcmpExtensions.HEADER && IcmpExtensions.applies(type)) {
            IcmpExtensions.print(ctx, seg, off, length);
        }
    }

    static boolean isError(int type) {
        return type == Icmp.DEST_UNREACHABLE || type == Icmp.SOURCE_QUENCH || type == Icmp.REDIRECT
                || type == Icmp.TIME_EXCEEDED || type == Icmp.PARAMETER_PROBLEM;
    }

    /** The message's words; {@code null} when a bounds check of print-icmp.c ends the line. */
    private static String text(MemorySegment seg, long off, int type, int code) {
        return switch (type) {
            case Icmp.ECHO_REQUEST, Icmp.ECHO_REPLY -> "echo " + (type == Icmp.ECHO_REQUEST ? "request" : "reply")
                    + ", id " + PrintContext.u16(seg, off + Icmp.IDENTIFIER)
                    + ", seq " + PrintContext.u16(seg, off + Icmp.SEQUENCE);
            case Icmp.DEST_UNREACHABLE -> unreachable(seg, off, code);
            case Icmp.REDIRECT -> redirect(seg, off, code);
            case Icmp.TIME_EXCEEDED -> {
                if (!PrintContext.has(seg, off + QUOTED_DST, 4)) {
                    yield null;
                }
                yield switch (code) {
                    case 0 -> "time exceeded in-transit";
                    case IcmpText.TIMXCEED_REASS -> "ip reassembly time exceeded";
                    default -> "time exceeded-#" + code;
                };
            }
            case Icmp.PARAMETER_PROBLEM -> code != 0 ? "parameter problem - code " + code
                    : "parameter problem - octet " + PrintContext.u8(seg, off + POINTER);
            case MASK_REPLY -> "address mask is 0x" + hex8(PrintContext.u32(seg, off + MASK));
            case Icmp.TIMESTAMP_REQUEST -> "time stamp query id " + PrintContext.u16(seg, off + Icmp.IDENTIFIER)
                    + " seq " + PrintContext.u16(seg, off + Icmp.SEQUENCE);
            case Icmp.TIMESTAMP_REPLY -> {
                if (!PrintContext.has(seg, off + TRANSMIT, 4)) {
                    yield null;
                }
                yield "time stamp reply id " + BigEndian.u16(seg, off + Icmp.IDENTIFIER) + " seq "
                        + BigEndian.u16(seg, off + Icmp.SEQUENCE) + ": org " + clock(BigEndian.u32(seg, off + ORIGINATE))
                        + ", recv " + clock(BigEndian.u32(seg, off + RECEIVE))
                        + ", xmit " + clock(BigEndian.u32(seg, off + TRANSMIT));
            }
            case ROUTER_ADVERT -> routerAdvertisement(seg, off);
            case Icmp.SOURCE_QUENCH -> "source quench";
            case ROUTER_SOLICIT -> "router solicitation";
            case INFO_REQUEST -> "information request";
            case INFO_REPLY -> "information reply";
            case MASK_REQUEST -> "address mask request";
            default -> "type-#" + type;
        };
    }

    private static String unreachable(MemorySegment seg, long off, int code) {
        if (code == IcmpText.UNREACH_PORT) {
            if (!PrintContext.has(seg, off + QUOTED_PROTOCOL, 1)) {
                return null;
            }
            int hlen = (BigEndian.u8(seg, off + QUOTED) & 0x0f) * 4;
            int dport = PrintContext.u16(seg, off + QUOTED + hlen + Udp.DST_PORT);
            int proto = BigEndian.u8(seg, off + QUOTED_PROTOCOL);
            String dst = quotedDestination(seg, off);
            return switch (proto) {
                case IpPacket.PROTO_TCP -> dst + " tcp port " + dport + " unreachable";
                case IpPacket.PROTO_UDP -> dst + " udp port " + dport + " unreachable";
                default -> dst + " protocol " + proto + " port " + dport + " unreachable";
            };
        }
        if (code == IcmpText.UNREACH_NEEDFRAG) {
            int mtu = PrintContext.u16(seg, off + IcmpText.NEEDFRAG_MTU);
            String dst = quotedDestination(seg, off);
            return mtu != 0 ? dst + " unreachable - need to frag (mtu " + mtu + ")" : dst + " unreachable - need to frag";
        }
        if (code == IcmpText.UNREACH_PROTOCOL) {
            String dst = quotedDestination(seg, off);
            return dst + " protocol " + PrintContext.u8(seg, off + QUOTED_PROTOCOL) + " unreachable";
        }
        String dst = quotedDestination(seg, off);
        return switch (code) {
            case IcmpText.UNREACH_NET -> "net " + dst + " unreachable";
            case IcmpText.UNREACH_HOST -> "host " + dst + " unreachable";
            case IcmpText.UNREACH_SRCFAIL -> dst + " unreachable - source route failed";
            case 6 -> "net " + dst + " unreachable - unknown";
            case 7 -> "host " + dst + " unreachable - unknown";
            case 8 -> dst + " unreachable - source host isolated";
            case 9 -> "net " + dst + " unreachable - admin prohibited";
            case 10 -> "host " + dst + " unreachable - admin prohibited";
            case 11 -> "net " + dst + " unreachable - tos prohibited";
            case 12 -> "host " + dst + " unreachable - tos prohibited";
            case IcmpText.UNREACH_FILTER_PROHIB -> "host " + dst + " unreachable - admin prohibited filter";
            case 14 -> "host " + dst + " unreachable - host precedence violation";
            case 15 -> "host " + dst + " unreachable - precedence cutoff";
            default -> dst + " unreachable - #" + code;
        };
    }

    /** RFC 1256 §3: lifetime, then each address and preference; {@code null} when cut short. */
    private static String routerAdvertisement(MemorySegment seg, long off) {
        if (!PrintContext.has(seg, off + ADVERT_COUNT, 4)) {
            return null;
        }
        int lifetime = BigEndian.u16(seg, off + ADVERT_LIFETIME);
        StringBuilder sb = new StringBuilder("router advertisement lifetime ");
        if (lifetime < 60) {
            sb.append(lifetime);
        } else if (lifetime < 3600) {
            sb.append(lifetime / 60).append(':').append(String.format("%02d", lifetime % 60));
        } else {
            sb.append(lifetime / 3600).append(':').append(String.format("%02d:%02d", lifetime % 3600 / 60, lifetime % 60));
        }
        int count = BigEndian.u8(seg, off + ADVERT_COUNT);
        sb.append(' ').append(count).append(':');
        int size = BigEndian.u8(seg, off + ADVERT_COUNT + 1);
        if (size != 2) {
            return sb.append(" [size ").append(size).append(']').toString();
        }
        for (int i = 0; i < count; i++) {
            long entry = off + Icmp.HEADER_LENGTH + (long) i * ADVERT_ENTRY;
            if (!PrintContext.has(seg, entry, ADVERT_ENTRY)) {
                return null;
            }
            sb.append(" {").append(InetFormat.ipv4(BigEndian.s32(seg, entry))).append(' ')
                    .append(BigEndian.u32(seg, entry + 4)).append('}');
        }
        return sb.toString();
    }

    private static String redirect(MemorySegment seg, long off, int code) {
        String dst = quotedDestination(seg, off);
        PrintContext.need(seg, off + GATEWAY, 4);
        String gateway = InetFormat.ipv4(BigEndian.s32(seg, off + GATEWAY));
        return switch (code) {
            case 0 -> "redirect " + dst + " to net " + gateway;
            case 1 -> "redirect " + dst + " to host " + gateway;
            case 2 -> "redirect-tos " + dst + " to net " + gateway;
            case 3 -> "redirect-tos " + dst + " to host " + gateway;
            default -> "redirect-#" + code + " " + dst + " to " + gateway;
        };
    }

    private static String quotedDestination(MemorySegment seg, long off) {
        PrintContext.need(seg, off + QUOTED_DST, 4);
        return InetFormat.ipv4(BigEndian.s32(seg, off + QUOTED_DST));
    }

    private static String hex8(long v) {
        String s = Long.toHexString(v);
        return "00000000".substring(s.length()) + s;
    }

    /** Milliseconds since midnight UT as HH:MM:SS.mmm (RFC 792 time stamps). */
    private static String clock(long ms) {
        long sec = ms / 1000;
        long min = sec / 60;
        long hrs = min / 60;
        return String.format("%02d:%02d:%02d.%03d", hrs, min % 60, sec % 60, ms % 1000);
    }
}
