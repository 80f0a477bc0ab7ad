package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A UDP datagram (RFC 768) as tcpdump 4.99's print-udp.c words it: ports and length; the
 * checksum at {@code -v} over IPv6 and at {@code -vv} over IPv4. Payloads are not decoded
 * (tcpdump's DNS, DHCP, NTP, ... printers are not reproduced).
 */
final class UdpPrinter {
    private UdpPrinter() {}

    static void print(PrintContext ctx, MemorySegment seg, long off, int length, IpPacket ip, boolean fragmented) {
        ctx.protocol = "udp";
        if (!PrintContext.has(seg, off + Udp.DST_PORT, 2)) {
            addresses(ctx, ip, -1, -1);
            ctx.trunc();
            return;
        }
        int sport = BigEndian.u16(seg, off + Udp.SRC_PORT);
        int dport = BigEndian.u16(seg, off + Udp.DST_PORT);
        if (length < Udp.HEADER_LENGTH) {
            addresses(ctx, ip, sport, dport);
            ctx.print("truncated-udp ").print(length);
            return;
        }
        if (!PrintContext.has(seg, off + Udp.LENGTH, 2)) {
            addresses(ctx, ip, sport, dport);
            ctx.trunc();
            return;
        }
        int ulen = BigEndian.u16(seg, off + Udp.LENGTH);
        if (ulen < Udp.HEADER_LENGTH) {
            addresses(ctx, ip, sport, dport);
            ctx.print("truncated-udplength ").print(ulen);
            return;
        }
        ulen -= Udp.HEADER_LENGTH;
        int data = Math.min(ulen, length - Udp.HEADER_LENGTH);
        long cp = off + Udp.HEADER_LENGTH;
        if (cp > seg.byteSize()) {
            addresses(ctx, ip, sport, dport);
            ctx.trunc();
            return;
        }
        addresses(ctx, ip, sport, dport);
        if (ctx.verbose() > 0 && !fragmented) {
            boolean v4 = ip instanceof Ipv4;
            if (v4 && ctx.verbose() > 1) {
                int field = BigEndian.u16(seg, off + Udp.CHECKSUM);
                if (field == 0) {
                    ctx.print("[no cksum] ");
                } else if (PrintContext.has(seg, cp, data)) {
                    checksum(ctx, seg, off, data + Udp.HEADER_LENGTH, ip, field);
                }
            } else if (!v4 && PrintContext.has(seg, cp, data)) {
                checksum(ctx, seg, off, data + Udp.HEADER_LENGTH, ip, BigEndian.u16(seg, off + Udp.CHECKSUM));
            }
        }
        if (ulen > data && !fragmented) {
            ctx.print("UDP, bad length ").print(ulen).print(" > ").print(data);
        } else {
            ctx.print("UDP, length ").print(ulen);
        }
    }

    private static void checksum(PrintContext ctx, MemorySegment seg, long off, int len, IpPacket ip, int field) {
        int sum = Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_UDP, len) + Checksum.sum(seg, off, len));
        if (sum != 0) {
            ctx.print("[bad udp cksum 0x").print(PrintContext.hex4(field)).print(" -> 0x")
                    .print(PrintContext.hex4(PrintContext.shouldBe(field, sum))).print("!] ");
        } else {
            ctx.print("[udp sum ok] ");
        }
    }

    /** Addresses and ports; only ports when extension headers come between (print-udp.c). */
    private static void addresses(PrintContext ctx, IpPacket ip, int sport, int dport) {
        if (IpPrinter.headerProtocol(ip) == IpPacket.PROTO_UDP) {
            if (sport < 0) {
                ctx.print(ip.sourceText()).print(" > ").print(ip.destinationText()).print(": ");
            } else {
                ctx.print(ip.sourceText()).print(".").print(sport).print(" > ")
                        .print(ip.destinationText()).print(".").print(dport).print(": ");
            }
        } else if (sport >= 0) {
            ctx.print(sport).print(" > ").print(dport).print(": ");
        }
    }
}
