package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Linux cooked capture v1 (LINKTYPE_LINUX_SLL, what {@code -i any} delivers) as tcpdump 4.99's
 * print-sll.c words it: with {@code -e} the packet type ({@code In}, {@code Out}, {@code B},
 * {@code M}, {@code P}), the link address and the protocol, then the payload's line.
 *
 * <pre>
 * | packet type (2) | ARPHRD type (2) | addr length (2) | address (8) | protocol (2) |
 * </pre>
 */
final class CookedPrinter {
    static final int PACKET_TYPE = 0;
    static final int ARPHRD = 2;
    static final int ADDRESS_LENGTH = 4;
    static final int ADDRESS = 6;
    /** Novell 802.3 without LLC, and 802.2 LLC frames (linux/if_ether.h ETH_P_802_3, ETH_P_802_2). */
    static final int P_802_3 = 0x0001;
    static final int P_802_2 = 0x0004;

    private CookedPrinter() {}

    /** Prints the packet; the cooked header's length (what {@code -x} leaves out). */
    static int print(PrintContext ctx, MemorySegment seg, int length) {
        ctx.protocol = "sll";
        // print-sll.c's bounds checks end the whole line (ND_LONGJMP_FROM_TCHECK).
        PrintContext.need(seg, 0, Summary.SLL_HEADER_LENGTH);
        if (ctx.linkHeader()) {
            header(ctx, seg, length);
        }
        long p = Summary.SLL_HEADER_LENGTH;
        int left = length - Summary.SLL_HEADER_LENGTH;
        int type = BigEndian.u16(seg, Summary.SLL_PROTOCOL);
        while (type == Ethernet.TYPE_VLAN) {
            if (!PrintContext.has(seg, p, Ethernet.TAG_LENGTH)) {
                ctx.protocol = "vlan";
                ctx.trunc();
                return (int) seg.byteSize();
            }
            if (ctx.linkHeader()) {
                ctx.print(EtherPrinter.tci(BigEndian.u16(seg, p))).print(", ");
            }
            type = BigEndian.u16(seg, p + 2);
            if (type <= EtherPrinter.MAX_LENGTH) {
                type = P_802_2;
            }
            if (!ctx.quiet()) {
                ctx.print("ethertype ").print(EtherPrinter.typeName(type, "Unknown")).print(", ");
            }
            p += Ethernet.TAG_LENGTH;
            left -= Ethernet.TAG_LENGTH;
        }
        if (type == P_802_3 || type == P_802_2) {
            // IPX and LLC, which tapline does not decode: the cooked header, then the bytes.
            if (!ctx.linkHeader()) {
                header(ctx, seg, length);
            }
            EtherPrinter.unknownPayload(ctx, seg, p);
        } else if (type <= EtherPrinter.MAX_LENGTH) {
            EtherPrinter.unknownPayload(ctx, seg, p);
        } else if (!EtherPrinter.payload(ctx, seg, p, left, type)) {
            if (!ctx.linkHeader()) {
                header(ctx, seg, length);
            }
            EtherPrinter.unknownPayload(ctx, seg, p);
        }
        return (int) p;
    }

    private static void header(PrintContext ctx, MemorySegment seg, int length) {
        String kind = packetType(BigEndian.u16(seg, PACKET_TYPE));
        ctx.print("   ".substring(Math.min(3, kind.length()))).print(kind).print(" ");
        if (BigEndian.u16(seg, ADDRESS_LENGTH) == MacAddress.LENGTH) {
            ctx.print(InetFormat.mac(BigEndian.u48(seg, ADDRESS))).print(" ");
        }
        if (ctx.quiet()) {
            return;
        }
        int type = BigEndian.u16(seg, Summary.SLL_PROTOCOL);
        if (type <= EtherPrinter.MAX_LENGTH) {
            ctx.print(switch (type) {
                case P_802_3 -> "802.3";
                case P_802_2 -> "802.2";
                default -> "ethertype Unknown (0x" + PrintContext.hex4(type) + ")";
            });
        } else {
            ctx.print("ethertype ").print(EtherPrinter.typeName(type, "Unknown")).print(" (0x")
                    .print(PrintContext.hex4(type)).print(")");
        }
        ctx.print(", length ").print(length).print(": ");
    }

    static String packetType(int type) {
        return switch (type) {
            case 0 -> "In";
            case 1 -> "B";
            case 2 -> "M";
            case 3 -> "P";
            case 4 -> "Out";
            default -> "?";
        };
    }
}
