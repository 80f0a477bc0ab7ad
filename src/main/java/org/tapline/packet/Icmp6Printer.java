package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An ICMPv6 message (RFC 4443, Neighbor Discovery RFC 4861, MLD RFC 2710 and RFC 3810) as
 * tcpdump 4.99's print-icmp6.c words it; {@code -v} adds the checksum check and the Neighbor
 * Discovery options ({@link NdOptions}). Not reproduced: router renumbering, node information,
 * mobile IPv6, RPL and MLDv2 queries' details.
 */
final class Icmp6Printer {
    static final int MLD_MIN_LENGTH = 24;
    static final int MLDV2_QUERY_MIN_LENGTH = 28;
    static final int MLD_MAX_DELAY = 4;
    static final int MLD_ADDRESS = 8;
    static final int MLDV2_GROUPS = 6;
    static final int MLDV2_RECORD = 20;
    static final int RS_LENGTH = 8;
    static final int INVERSE_SOLICITATION = 141;
    static final int INVERSE_ADVERTISEMENT = 142;
    static final int HA_DISCOVERY_REQUEST = 144;
    static final int HA_DISCOVERY_REPLY = 145;
    static final int MOBILE_PREFIX_SOLICITATION = 146;
    static final int MOBILE_PREFIX_ADVERTISEMENT = 147;
    static final int MLDV2_QUERY_GROUP = 8;
    static final int MLDV2_QUERY_FLAGS = 24;
    static final int MLDV2_QUERY_QQIC = 25;
    static final int MLDV2_QUERY_SOURCES = 26;
    static final int RA_LENGTH = 16;
    static final int NS_NA_LENGTH = 24;
    static final int REDIRECT_LENGTH = 40;
    static final int RA_HOP_LIMIT = 4;
    static final int RA_FLAGS = 5;
    static final int RA_LIFETIME = 6;
    static final int RA_REACHABLE = 8;
    static final int RA_RETRANSMIT = 12;
    static final int POINTER = 4;
    static final int MTU = 4;
    static final int REDIRECT_DESTINATION = 24;
    /** The quoted packet's destination address in error messages. */
    static final int QUOTED_DST = Icmpv6.HEADER_LENGTH + 24;

    private Icmp6Printer() {}

    static void print(PrintContext ctx, MemorySegment seg, long off, int length, Ipv6 ip, boolean fragmented) {
        ctx.protocol = "icmp6";
        if (length == 0) {
            ctx.print("ICMP6, length 0 (invalid)");
            return;
        }
        if (ctx.verbose() > 0 && !fragmented && PrintContext.has(seg, off, length)) {
            int field = PrintContext.u16(seg, off + Icmpv6.CHECKSUM);
            int sum = Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_ICMPV6, length) + Checksum.sum(seg, off, length));
            if (sum != 0) {
                ctx.print("[bad icmp6 cksum 0x").print(PrintContext.hex4(field)).print(" -> 0x")
                        .print(PrintContext.hex4(PrintContext.shouldBe(field, sum))).print("!] ");
            } else {
                ctx.print("[icmp6 sum ok] ");
            }
        }
        int type = PrintContext.u8(seg, off + Icmpv6.TYPE);
        ctx.print("ICMP6, ").print(typeName(type));
        boolean nd = type == Icmpv6.ROUTER_SOLICITATION || type == Icmpv6.ROUTER_ADVERTISEMENT
                || type == Icmpv6.NEIGHBOR_ADVERTISEMENT || type == Icmpv6.NEIGHBOR_SOLICITATION || type == Icmpv6.REDIRECT
                || type == HA_DISCOVERY_REPLY || type == MOBILE_PREFIX_ADVERTISEMENT;
        if (ctx.verbose() > 0 && nd) {
            ctx.print(", length ").print(length);
        }
        int code = PrintContext.u8(seg, off + Icmpv6.CODE);
        boolean ok = switch (type) {
            case Icmpv6.DEST_UNREACHABLE -> unreachable(ctx, seg, off, code, length);
            case Icmpv6.PACKET_TOO_BIG -> {
                long mtu = PrintContext.u32(seg, off + MTU);
                ctx.print(", mtu ").print(mtu);
                yield true;
            }
            case Icmpv6.TIME_EXCEEDED -> {
                switch (code) {
                    case 0 -> ctx.print(" for " + address(seg, off + QUOTED_DST));
                    case 1 -> ctx.print(" (reassembly)");
                    default -> ctx.print(", unknown code (").print(code).print(")");
                }
                yield true;
            }
            case Icmpv6.PARAMETER_PROBLEM -> {
                if (!PrintContext.has(seg, off + QUOTED_DST, Ipv6Address.LENGTH)) {
                    ctx.trunc();
                    yield false;
                }
                String what = switch (code) {
                    case 0 -> ", erroneous - octet ";
                    case 1 -> ", next header - octet ";
                    case 2 -> ", option - octet ";
                    case 3 -> ", incomplete header chain - octet ";
                    default -> null;
                };
                ctx.print(what == null ? ", code-#" + code : what + PrintContext.u32(seg, off + POINTER));
                yield true;
            }
            case Icmpv6.ECHO_REQUEST, Icmpv6.ECHO_REPLY -> {
                int id = PrintContext.u16(seg, off + Icmpv6.IDENTIFIER);
                int seq = PrintContext.u16(seg, off + Icmpv6.SEQUENCE);
                ctx.print(", id " + id + ", seq " + seq);
                yield true;
            }
            case Icmpv6.MLD_QUERY -> {
                if (length == MLD_MIN_LENGTH) {
                    mld(ctx, seg, off);
                } else if (length >= MLDV2_QUERY_MIN_LENGTH) {
                    ctx.print(" v2");
                    mldv2Query(ctx, seg, off, length);
                } else {
                    ctx.print(" unknown-version (len ").print(length).print(") ");
                }
                yield true;
            }
            case Icmpv6.MLD_REPORT, Icmpv6.MLD_DONE -> {
                mld(ctx, seg, off);
                yield true;
            }
            case Icmpv6.ROUTER_SOLICITATION -> ctx.verbose() == 0 || NdOptions.print(ctx, seg, off + RS_LENGTH, length - RS_LENGTH);
            case Icmpv6.ROUTER_ADVERTISEMENT -> ctx.verbose() == 0 || routerAdvertisement(ctx, seg, off, length);
            case Icmpv6.NEIGHBOR_SOLICITATION -> {
                ctx.print(", who has " + address(seg, off + Icmpv6.TARGET));
                yield ctx.verbose() == 0 || NdOptions.print(ctx, seg, off + NS_NA_LENGTH, length - NS_NA_LENGTH);
            }
            case Icmpv6.NEIGHBOR_ADVERTISEMENT -> {
                ctx.print(", tgt is " + address(seg, off + Icmpv6.TARGET));
                if (ctx.verbose() == 0) {
                    yield true;
                }
                ctx.print(", Flags [" + advertisementFlags(PrintContext.u8(seg, off + Icmpv6.NA_FLAGS)) + "]");
                yield NdOptions.print(ctx, seg, off + NS_NA_LENGTH, length - NS_NA_LENGTH);
            }
            case Icmpv6.REDIRECT -> {
                // RFC 4861 §4.5: the target (the better first hop) comes before the destination.
                ctx.print(", " + address(seg, off + REDIRECT_DESTINATION));
                ctx.print(" to " + address(seg, off + Icmpv6.TARGET));
                yield ctx.verbose() == 0 || NdOptions.print(ctx, seg, off + REDIRECT_LENGTH, length - REDIRECT_LENGTH);
            }
            case INVERSE_SOLICITATION, INVERSE_ADVERTISEMENT -> true;
            case HA_DISCOVERY_REQUEST, MOBILE_PREFIX_SOLICITATION -> {
                ctx.print(", id 0x" + PrintContext.hex4(PrintContext.u16(seg, off + Icmpv6.IDENTIFIER)));
                yield true;
            }
            case HA_DISCOVERY_REPLY -> {
                if (ctx.verbose() > 0) {
                    ctx.print(", id 0x" + PrintContext.hex4(PrintContext.u16(seg, off + Icmpv6.IDENTIFIER)));
                    for (long p = off + Icmpv6.HEADER_LENGTH; p < off + length; p += Ipv6Address.LENGTH) {
                        ctx.print(", " + address(seg, p));
                    }
                }
                yield true;
            }
            case MOBILE_PREFIX_ADVERTISEMENT -> {
                if (ctx.verbose() > 0) {
                    ctx.print(", id 0x" + PrintContext.hex4(PrintContext.u16(seg, off + Icmpv6.IDENTIFIER)));
                    int flags = PrintContext.u16(seg, off + Icmpv6.SEQUENCE);
                    ctx.print((flags & 0xc000) != 0 ? " " : "").print((flags & 0x8000) != 0 ? "M" : "")
                            .print((flags & 0x4000) != 0 ? "O" : "");
                    yield NdOptions.print(ctx, seg, off + Icmpv6.HEADER_LENGTH, length - Icmpv6.HEADER_LENGTH);
                }
                yield true;
            }
            case Icmpv6.MLDV2_REPORT -> {
                mldv2Report(ctx, seg, off, length);
                yield true;
            }
            default -> {
                ctx.print(", length ").print(length);
                if (ctx.verbose() <= 1) {
                    HexDump.hex(ctx.out, "\n\t", seg, off, Math.min(length, PrintContext.available(seg, off)));
                }
                yield false;
            }
        };
        if (!ok) {
            return;
        }
        if (ctx.verbose() == 0) {
            ctx.print(", length ").print(length);
        }
    }

    /** False when the line ended early (tcpdump's {@code goto trunc} or its early return). */
    private static boolean unreachable(PrintContext ctx, MemorySegment seg, long off, int code, int length) {
        String name = switch (code) {
            case 0 -> "unreachable route";
            case 1 -> " unreachable prohibited";
            case 2 -> "beyond scope";
            case 3 -> "unreachable address";
            case 4 -> "unreachable port";
            default -> "unknown unreach code (" + code + ")";
        };
        ctx.print(", ").print(name);
        long quoted = off + Icmpv6.HEADER_LENGTH;
        switch (code) {
            case 0, 1, 3 -> ctx.print(" " + address(seg, off + QUOTED_DST));
            case 2 -> ctx.print(" " + address(seg, off + QUOTED_DST) + ", source address " + address(seg, quoted + Ipv6.SRC));
            case 4 -> {
                Ipv6 inner = PrintContext.has(seg, quoted + Ipv6.NEXT_HEADER, 1)
                        ? Ipv6.of(seg, quoted, PrintContext.available(seg, quoted)) : null;
                int proto = inner == null ? -1 : inner.protocol();
                if (inner == null || (proto != IpPacket.PROTO_TCP && proto != IpPacket.PROTO_UDP)
                        || !PrintContext.has(seg, inner.transportOffset() + Udp.DST_PORT, 2)) {
                    ctx.trunc();
                    return false;
                }
                int dport = BigEndian.u16(seg, inner.transportOffset() + Udp.DST_PORT);
                ctx.print(", ").print(inner.destinationText()).print(proto == IpPacket.PROTO_TCP ? " tcp port " : " udp port ")
                        .print(dport);
            }
            default -> {
                if (ctx.verbose() <= 1) {
                    HexDump.hex(ctx.out, "\n\t", seg, off, Math.min(length, PrintContext.available(seg, off)));
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean routerAdvertisement(PrintContext ctx, MemorySegment seg, long off, int length) {
        int hopLimit = PrintContext.u8(seg, off + RA_HOP_LIMIT);
        int flags = PrintContext.u8(seg, off + RA_FLAGS);
        int lifetime = PrintContext.u16(seg, off + RA_LIFETIME);
        long reachable = PrintContext.u32(seg, off + RA_REACHABLE);
        long retransmit = PrintContext.u32(seg, off + RA_RETRANSMIT);
        ctx.print("\n\thop limit ").print(hopLimit).print(", Flags [").print(raFlags(flags)).print("], pref ")
                .print(NdOptions.preference(flags)).print(", router lifetime ").print(lifetime)
                .print("s, reachable time ").print(reachable).print("ms, retrans timer ").print(retransmit).print("ms");
        return NdOptions.print(ctx, seg, off + RA_LENGTH, length - RA_LENGTH);
    }

    private static void mld(PrintContext ctx, MemorySegment seg, long off) {
        if (!PrintContext.has(seg, off, MLD_MIN_LENGTH)) {
            return;
        }
        ctx.print("max resp delay: ").print(BigEndian.u16(seg, off + MLD_MAX_DELAY)).print(" ")
                .print("addr: ").print(InetFormat.ipv6(seg, off + MLD_ADDRESS));
    }

    /** RFC 3810 §5.1: the group, with -v the timers and flags, the sources (-vv) or their number. */
    private static void mldv2Query(PrintContext ctx, MemorySegment seg, long off, int length) {
        int mrc = PrintContext.u16(seg, off + MLD_MAX_DELAY);
        // RFC 3810 §5.1.3: codes from 32768 on are a floating-point value.
        long mrt = mrc < 32768 ? mrc : (long) ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
        if (ctx.verbose() > 0) {
            ctx.print(" [max resp delay=" + mrt + "]");
        }
        ctx.print(" [gaddr " + address(seg, off + MLDV2_QUERY_GROUP));
        if (ctx.verbose() > 0) {
            int flags = PrintContext.u8(seg, off + MLDV2_QUERY_FLAGS);
            if ((flags & 0x08) != 0) {
                ctx.print(" sflag");
            }
            if ((flags & 0x07) != 0) {
                ctx.print(" robustness=" + (flags & 0x07));
            }
            int qqic = PrintContext.u8(seg, off + MLDV2_QUERY_QQIC);
            long qqi = qqic < 128 ? qqic : (long) ((qqic & 0x0f) | 0x10) << (((qqic & 0x70) >> 4) + 3);
            ctx.print(" qqi=" + qqi);
        }
        int sources = PrintContext.u16(seg, off + MLDV2_QUERY_SOURCES);
        if (sources > 0) {
            if (length < MLDV2_QUERY_MIN_LENGTH + (long) sources * Ipv6Address.LENGTH) {
                ctx.print(" [invalid number of sources]");
            } else if (ctx.verbose() > 1) {
                ctx.print(" {");
                for (int i = 0; i < sources; i++) {
                    ctx.print(" " + address(seg, off + MLDV2_QUERY_MIN_LENGTH + (long) i * Ipv6Address.LENGTH));
                }
                ctx.print(" }");
            } else {
                ctx.print(", " + sources + " source(s)");
            }
        }
        ctx.print("]");
    }

    /** RFC 3810 §5.2: the number of group records; with -v each record, with -vv its sources. */
    private static void mldv2Report(PrintContext ctx, MemorySegment seg, long off, int length) {
        if (length < Icmpv6.HEADER_LENGTH) {
            ctx.print(" [invalid len ").print(length).print("]");
            return;
        }
        int groups = PrintContext.u16(seg, off + MLDV2_GROUPS);
        ctx.print(", ").print(groups).print(" group record(s)");
        if (ctx.verbose() == 0) {
            return;
        }
        long group = Icmpv6.HEADER_LENGTH;
        for (int i = 0; i < groups; i++) {
            if (length < group + MLDV2_RECORD) {
                ctx.print(" [invalid number of groups]");
                return;
            }
            ctx.print(" [gaddr " + address(seg, off + group + 4));
            int recordType = PrintContext.u8(seg, off + group);
            ctx.print(" ").print(switch (recordType) {
                case 1 -> "is_in";
                case 2 -> "is_ex";
                case 3 -> "to_in";
                case 4 -> "to_ex";
                case 5 -> "allow";
                case 6 -> "block";
                default -> " [v2-report-#" + recordType + "]";
            });
            int sources = PrintContext.u16(seg, off + group + 2);
            if (length < group + MLDV2_RECORD + (long) sources * Ipv6Address.LENGTH) {
                ctx.print(" [invalid number of sources ").print(sources).print("]");
                return;
            }
            if (ctx.verbose() == 1) {
                ctx.print(", ").print(sources).print(" source(s)");
            } else {
                ctx.print(" {");
                for (int j = 0; j < sources; j++) {
                    ctx.print(" " + address(seg, off + group + MLDV2_RECORD + (long) j * Ipv6Address.LENGTH));
                }
                ctx.print(" }");
            }
            group += MLDV2_RECORD + (long) sources * Ipv6Address.LENGTH;
            ctx.print("]");
        }
    }

    static String address(MemorySegment seg, long at) {
        PrintContext.need(seg, at, Ipv6Address.LENGTH);
        return InetFormat.ipv6(seg, at);
    }

    private static String advertisementFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        flag(sb, flags, Icmpv6.NA_ROUTER, "router");
        flag(sb, flags, Icmpv6.NA_SOLICITED, "solicited");
        flag(sb, flags, Icmpv6.NA_OVERRIDE, "override");
        return sb.isEmpty() ? "none" : sb.toString();
    }

    private static String raFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        flag(sb, flags, 0x80, "managed");
        flag(sb, flags, 0x40, "other stateful");
        flag(sb, flags, 0x20, "home agent");
        flag(sb, flags, 0x02, "ipv6 only");
        return sb.isEmpty() ? "none" : sb.toString();
    }

    static void flag(StringBuilder sb, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append(name);
        }
    }

    static String typeName(int type) {
        return switch (type) {
            case 138 -> "router renumbering";
            case 141 -> "inverse neighbor solicitation";
            case 142 -> "inverse neighbor advertisement";
            case 144 -> "ha discovery request";
            case 145 -> "ha discovery reply";
            case 146 -> "mobile router solicitation";
            case 147 -> "mobile router advertisement";
            case 139 -> "who-are-you request";
            case 140 -> "who-are-you reply";
            case 200 -> "mtrace response";
            case 201 -> "mtrace message";
            case 155 -> "RPL";
            default -> {
                String n = Icmpv6.typeName(type);
                yield n.startsWith("type-#") ? "unknown icmp6 type (" + type + ")" : n;
            }
        };
    }
}
