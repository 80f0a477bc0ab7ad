package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An ARP packet (RFC 826; RARP RFC 903; InARP RFC 2390) as tcpdump 4.99's print-arp.c words
 * it; {@code -v} names the address types. ATM and Frame Relay ARP are not reproduced.
 */
final class ArpPrinter {
    static final int OP_REVERSE_REQUEST = 3;
    static final int OP_REVERSE_REPLY = 4;
    static final int OP_INVERSE_REQUEST = 8;
    static final int OP_INVERSE_REPLY = 9;
    static final int TRAILER_TYPE = 0x1000;

    private ArpPrinter() {}

    static void print(PrintContext ctx, MemorySegment seg, long off, int length) {
        ctx.protocol = "arp";
        // print-arp.c's bounds checks end the whole line (ND_LONGJMP_FROM_TCHECK).
        PrintContext.need(seg, off, Arp.FIXED_LENGTH);
        Arp arp = Arp.of(seg, off, PrintContext.available(seg, off));
        int hln = arp.hardwareLength();
        int pln = arp.protocolLength();
        long sha = off + Arp.FIXED_LENGTH;
        long spa = sha + hln;
        long tha = spa + pln;
        long tpa = tha + hln;
        PrintContext.need(seg, tpa, pln);
        if (!ctx.linkHeader()) {
            ctx.print("ARP, ");
        }
        int pro = arp.protocolType();
        if ((pro != Ethernet.TYPE_IPV4 && pro != TRAILER_TYPE) || pln != Ipv4Address.LENGTH || hln == 0
                || ctx.verbose() > 0) {
            ctx.print(hardwareName(arp.hardwareType())).print(" (len ").print(hln).print("), ")
                    .print(EtherPrinter.typeName(pro, "Unknown Protocol (0x" + PrintContext.hex4(pro) + ")"))
                    .print(" (len ").print(pln).print(")");
            if (ctx.verbose() == 0) {
                ctx.print(", length ").print(length);
                return;
            }
        }
        int op = arp.operation();
        ctx.print(ctx.verbose() > 0 ? ", " : "").print(operationName(op)).print(" ");
        switch (op) {
            case Arp.OP_REQUEST -> {
                ctx.print("who-has ").print(protocolAddress(seg, tpa, pro, pln));
                if (nonZero(seg, tha, hln)) {
                    ctx.print(" (").print(linkAddress(seg, tha, hln)).print(")");
                }
                ctx.print(" tell ").print(protocolAddress(seg, spa, pro, pln));
            }
            case Arp.OP_REPLY -> ctx.print(protocolAddress(seg, spa, pro, pln)).print(" is-at ")
                    .print(linkAddress(seg, sha, hln));
            case OP_REVERSE_REQUEST, OP_INVERSE_REQUEST -> ctx.print("who-is ").print(linkAddress(seg, tha, hln))
                    .print(" tell ").print(linkAddress(seg, sha, hln));
            case OP_REVERSE_REPLY -> ctx.print(linkAddress(seg, tha, hln)).print(" at ")
                    .print(protocolAddress(seg, tpa, pro, pln));
            case OP_INVERSE_REPLY -> ctx.print(linkAddress(seg, sha, hln)).print(" at ")
                    .print(protocolAddress(seg, spa, pro, pln));
            default -> {
                // print-arp.c calls the default printer unconditionally, even with -q, -x or -X.
                HexDump.hexAscii(ctx.out, "\n\t", seg, off, PrintContext.available(seg, off));
                return;
            }
        }
        ctx.print(", length ").print(length);
    }

    private static String protocolAddress(MemorySegment seg, long at, int pro, int pln) {
        if (pro != Ethernet.TYPE_IPV4 && pro != TRAILER_TYPE) {
            return "<wrong proto type>";
        }
        if (pln != Ipv4Address.LENGTH) {
            return "<wrong len>";
        }
        return InetFormat.ipv4(BigEndian.s32(seg, at));
    }

    private static String linkAddress(MemorySegment seg, long at, int len) {
        if (len == MacAddress.LENGTH) {
            return InetFormat.mac(BigEndian.u48(seg, at));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int b = BigEndian.u8(seg, at + i);
            sb.append(i > 0 ? ":" : "").append(b < 0x10 ? "0" : "").append(Integer.toHexString(b));
        }
        return sb.isEmpty() ? "<empty>" : sb.toString();
    }

    private static boolean nonZero(MemorySegment seg, long at, int len) {
        for (int i = 0; i < len; i++) {
            if (BigEndian.u8(seg, at + i) != 0) {
                return true;
            }
        }
        return false;
    }

    static String operationName(int op) {
        return switch (op) {
            case Arp.OP_REQUEST -> "Request";
            case Arp.OP_REPLY -> "Reply";
            case OP_REVERSE_REQUEST -> "Reverse Request";
            case OP_REVERSE_REPLY -> "Reverse Reply";
            case OP_INVERSE_REQUEST -> "Inverse Request";
            case OP_INVERSE_REPLY -> "Inverse Reply";
            case 10 -> "NACK Reply";
            default -> "Unknown (" + op + ")";
        };
    }

    static String hardwareName(int type) {
        return switch (type) {
            case 1 -> "Ethernet";
            case 6 -> "TokenRing";
            case 7 -> "ArcNet";
            case 15 -> "FrameRelay";
            case 19 -> "ATM";
            case 23 -> "Strip";
            case 24 -> "IEEE 1394";
            case 32 -> "InfiniBand";
            default -> "Unknown Hardware (" + type + ")";
        };
    }
}
