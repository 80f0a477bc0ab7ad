package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An Ethernet II frame (IEEE 802.3 §3.2.6) with 802.1Q/802.1ad tags, as tcpdump 4.99's
 * print-ether.c words it: with {@code -e} the addresses, EtherType and frame length, then the
 * payload's line. IPv4, IPv6 and ARP are decoded; other EtherTypes and 802.3 length frames (LLC)
 * print the link header and, as tcpdump does for types it does not know, the bytes in hex.
 */
final class EtherPrinter {
    static final int TYPE_MPLS = 0x8847;
    static final int TYPE_MPLS_MULTICAST = 0x8848;
    static final int TYPE_QINQ_9200 = 0x9200;
    static final int TYPE_REVERSE_ARP = 0x8035;
    /** Type/length values up to this are 802.3 lengths. */
    static final int MAX_LENGTH = 1500;
    private static final int VID_MASK = 0x0fff;
    private static final int DEI = 0x1000;
    private static final int PCP_SHIFT = 13;

    private EtherPrinter() {}

    /** Prints the frame; the link header's length (what {@code -x} leaves out). */
    static int print(PrintContext ctx, MemorySegment seg, int length) {
        ctx.protocol = "ether";
        long caplen = seg.byteSize();
        if (caplen < Ethernet.HEADER_LENGTH) {
            ctx.trunc();
            return (int) caplen;
        }
        if (ctx.linkHeader()) {
            ctx.print(InetFormat.mac(BigEndian.u48(seg, Ethernet.SRC))).print(" > ")
                    .print(InetFormat.mac(BigEndian.u48(seg, Ethernet.DST))).print(", ");
        }
        long p = Ethernet.TYPE;
        int left = length - Ethernet.TYPE;
        int type = BigEndian.u16(seg, p);
        p += 2;
        left -= 2;
        boolean printedLength = false;
        while (Ethernet.isTagType(type) || type == TYPE_QINQ_9200) {
            if (!PrintContext.has(seg, p, Ethernet.TAG_LENGTH) || left < Ethernet.TAG_LENGTH) {
                ctx.protocol = "vlan";
                ctx.trunc();
                return (int) Math.min(caplen, p + Math.max(0, left));
            }
            if (ctx.linkHeader()) {
                int tci = BigEndian.u16(seg, p);
                typeText(ctx, type);
                ctx.print(printedLength ? ", " : ", length " + length + ": ");
                printedLength = true;
                ctx.print(tci(tci)).print(", ");
            }
            type = BigEndian.u16(seg, p + 2);
            p += Ethernet.TAG_LENGTH;
            left -= Ethernet.TAG_LENGTH;
        }
        if (type <= MAX_LENGTH) {
            // IEEE 802.3 length field: an LLC header follows, which tapline does not decode.
            if (!ctx.linkHeader()) {
                ctx.print(InetFormat.mac(BigEndian.u48(seg, Ethernet.SRC))).print(" > ")
                        .print(InetFormat.mac(BigEndian.u48(seg, Ethernet.DST))).print(", ");
            }
            ctx.print("802.3");
            if (!printedLength) {
                ctx.print(", length ").print(Math.min(type, left)).print(": ");
            }
            unknownPayload(ctx, seg, p);
            return (int) p;
        }
        if (ctx.linkHeader()) {
            typeText(ctx, type);
            ctx.print(printedLength ? ", " : ", length " + length + ": ");
        }
        if (!payload(ctx, seg, p, left, type)) {
            if (!ctx.linkHeader()) {
                ctx.print(InetFormat.mac(BigEndian.u48(seg, Ethernet.SRC))).print(" > ")
                        .print(InetFormat.mac(BigEndian.u48(seg, Ethernet.DST))).print(", ");
                typeText(ctx, type);
                ctx.print(", length ").print(length).print(": ");
            }
            unknownPayload(ctx, seg, p);
        }
        return (int) p;
    }

    /** An 802.1Q tag's control information as tcpdump words it (addrtoname.c ieee8021q_tci_string). */
    static String tci(int tci) {
        return "vlan " + (tci & VID_MASK) + ", p " + (tci >>> PCP_SHIFT) + ((tci & DEI) != 0 ? ", DEI" : "");
    }

    /** The payload of an EtherType tapline decodes (print-ether.c ethertype_print); false for others. */
    static boolean payload(PrintContext ctx, MemorySegment seg, long p, int left, int type) {
        switch (type) {
            case Ethernet.TYPE_IPV4 -> IpPrinter.print(ctx, seg, p, left);
            case Ethernet.TYPE_IPV6 -> Ip6Printer.print(ctx, seg, p, left);
            case Ethernet.TYPE_ARP, TYPE_REVERSE_ARP -> ArpPrinter.print(ctx, seg, p, left);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Bytes nobody decodes, in hex and ASCII unless -q, -x or -X (tcpdump's default print). */
    static void unknownPayload(PrintContext ctx, MemorySegment seg, long p) {
        PrintOptions o = ctx.options;
        if (!o.quiet() && o.dump() != PrintOptions.Dump.HEX && o.dump() != PrintOptions.Dump.HEX_ASCII) {
            HexDump.hexAscii(ctx.out, "\n\t", seg, p, PrintContext.available(seg, p));
        }
    }

    static void typeText(PrintContext ctx, int type) {
        if (ctx.quiet()) {
            ctx.print(typeName(type, "Unknown Ethertype (0x" + PrintContext.hex4(type) + ")"));
        } else {
            ctx.print("ethertype ").print(typeName(type, "Unknown")).print(" (0x").print(PrintContext.hex4(type)).print(")");
        }
    }

    /** tcpdump's names of EtherTypes (print-ether.c ethertype_values), {@code unknown} for others. */
    static String typeName(int type, String unknown) {
        return switch (type) {
            case Ethernet.TYPE_IPV4 -> "IPv4";
            case TYPE_MPLS -> "MPLS unicast";
            case TYPE_MPLS_MULTICAST -> "MPLS multicast";
            case Ethernet.TYPE_IPV6 -> "IPv6";
            case Ethernet.TYPE_VLAN -> "802.1Q";
            case Ethernet.TYPE_QINQ_OLD -> "802.1Q-9100";
            case Ethernet.TYPE_QINQ -> "802.1Q-QinQ";
            case TYPE_QINQ_9200 -> "802.1Q-9200";
            case 0x88e5 -> "802.1AE MACsec";
            case 0x0200 -> "PUP";
            case Ethernet.TYPE_ARP -> "ARP";
            case TYPE_REVERSE_ARP -> "Reverse ARP";
            case 0x0600 -> "NS";
            case 0x0500 -> "Sprite";
            case 0x1000 -> "Trail";
            case 0x6001 -> "MOP DL";
            case 0x6002 -> "MOP RC";
            case 0x6003 -> "DN";
            case 0x6004 -> "LAT";
            case 0x6007 -> "SCA";
            case 0x6558 -> "TEB";
            case 0x8038 -> "Lanbridge";
            case 0x803c -> "DEC DNS";
            case 0x803e -> "DEC DTS";
            case 0x805b -> "VEXP";
            case 0x805c -> "VPROD";
            case 0x809b -> "Appletalk";
            case 0x80f3 -> "Appletalk ARP";
            case 0x8137 -> "IPX";
            case 0x880b -> "PPP";
            case 0x8808 -> "MPCP";
            case 0x8809 -> "Slow Protocols";
            case 0x8863 -> "PPPoE D";
            case 0x8864 -> "PPPoE S";
            case 0x888e -> "EAPOL";
            case 0x8899 -> "Realtek protocols";
            case 0x886f -> "MS NLB heartbeat";
            case 0x8870 -> "Jumbo";
            case 0x894f -> "NSH";
            case 0x9000 -> "Loopback";
            case 0xfefe -> "OSI";
            case 0x00fe -> "GRE-OSI";
            case 0xabcd -> "CFM (old)";
            case 0x8902 -> "CFM";
            case 0x893a -> "IEEE1905.1";
            case 0x88cc -> "LLDP";
            case 0x88ca -> "TIPC";
            case 0x0707 -> "GeoNet (old)";
            case 0x8947 -> "GeoNet";
            case 0x1111 -> "CALM FAST";
            case 0x88a2 -> "AoE";
            case 0x88f7 -> "PTP";
            case 0xd28b -> "Arista Vendor Specific Protocol";
            default -> unknown;
        };
    }
}
