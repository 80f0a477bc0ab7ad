package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A TCP segment (RFC 9293 §3.1) as tcpdump 4.99's print-tcp.c words it: ports, flags, relative
 * or absolute sequence numbers, window, options, length, and with {@code -v} the checksum.
 * Payloads are not decoded (tcpdump's HTTP, SMTP, BGP, ... printers are not reproduced), except a
 * reset's text at {@code -v}.
 */
final class TcpPrinter {
    /** print-tcp.c's MAX_RST_DATA_LEN; -X shows the rest. */
    static final int MAX_RST_DATA = 30;

    private TcpPrinter() {}

    /**
     * @param seg        bytes up to the snapshot end
     * @param off        where the TCP header starts
     * @param length     TCP header and data length as IP declares it
     * @param ip         the enclosing IP header
     * @param fragmented whether IP says more fragments follow (no checksum then)
     */
    static void print(PrintContext ctx, MemorySegment seg, long off, int length, IpPacket ip, boolean fragmented) {
        ctx.protocol = "tcp";
        if (!PrintContext.has(seg, off + Tcp.DST_PORT, 2)) {
            ctx.print(ip.sourceText()).print(" > ").print(ip.destinationText()).print(":");
            ctx.trunc();
            return;
        }
        Tcp tcp = Tcp.of(seg, off, PrintContext.available(seg, off));
        int sport = BigEndian.u16(seg, off + Tcp.SRC_PORT);
        int dport = BigEndian.u16(seg, off + Tcp.DST_PORT);
        if (IpPrinter.headerProtocol(ip) == IpPacket.PROTO_TCP) {
            ctx.print(ip.sourceText()).print(".").print(sport).print(" > ")
                    .print(ip.destinationText()).print(".").print(dport).print(": ");
        } else {
            ctx.print(sport).print(" > ").print(dport).print(": ");
        }
        if (tcp == null) {
            ctx.trunc(); // print-tcp.c's ND_TCHECK_SIZE: the line ends, the packet is still dumped after the link header
            return;
        }
        int hlen = tcp.headerLength();
        if (hlen < Tcp.MIN_HEADER_LENGTH) {
            ctx.print(" tcp ").print(Integer.toUnsignedLong(length - hlen)).print(" [bad hdr length ").print(hlen)
                    .print(" - too short, < ").print(Tcp.MIN_HEADER_LENGTH).print("]");
            return;
        }
        if (ctx.quiet()) {
            ctx.print("tcp ").print(Integer.toUnsignedLong(length - hlen));
            if (hlen > length) {
                ctx.print(" [bad hdr length ").print(hlen).print(" - too long, > ").print(length).print("]");
            }
            return;
        }
        int flags = tcp.flags();
        ctx.print("Flags [").print(TcpFlagsText.of(flags)).print("]");
        long seq = tcp.sequence();
        long ack = tcp.acknowledgment();
        TcpSequences.Relative rel = null;
        if (!ctx.options.absoluteSeq() && (flags & Tcp.ACK_FLAG) != 0) {
            rel = ctx.sequences.relative(IpPrinter.sourceBytes(ip), IpPrinter.destinationBytes(ip), sport, dport,
                    seq, ack, (flags & Tcp.SYN) != 0);
            seq = rel.seq();
            ack = rel.ack();
        }
        if (hlen > length) {
            ctx.print(" [bad hdr length ").print(hlen).print(" - too long, > ").print(length).print("]");
            return;
        }
        if (ctx.verbose() > 0 && !fragmented && PrintContext.has(seg, off, length)) {
            int sum = Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_TCP, length) + Checksum.sum(seg, off, length));
            ctx.print(", cksum 0x").print(PrintContext.hex4(tcp.checksum()));
            ctx.print(sum == 0 ? " (correct)"
                    : " (incorrect -> 0x" + PrintContext.hex4(PrintContext.shouldBe(tcp.checksum(), sum)) + ")");
        }
        int data = length - hlen;
        if (ctx.verbose() > 1 || data > 0 || (flags & (Tcp.SYN | Tcp.FIN | Tcp.RST)) != 0) {
            ctx.print(", seq ").print(seq);
            if (data > 0) {
                ctx.print(":").print((seq + data) & 0xffff_ffffL);
            }
        }
        if ((flags & Tcp.ACK_FLAG) != 0) {
            ctx.print(", ack ").print(ack);
        }
        ctx.print(", win ").print(tcp.window());
        if ((flags & Tcp.URG) != 0) {
            ctx.print(", urg ").print(tcp.urgentPointer());
        }
        // print-tcp.c checks an MD5 signature's reach against the payload (RFC 2385): its place and length.
        boolean payloadCaptured = PrintContext.has(seg, off + hlen, data);
        if (hlen > Tcp.MIN_HEADER_LENGTH && !TcpOptions.print(ctx, seg, off + Tcp.MIN_HEADER_LENGTH,
                hlen - Tcp.MIN_HEADER_LENGTH, rel, payloadCaptured)) {
            return;
        }
        ctx.print(", length ").print(data);
        if (data > 0 && !PrintContext.has(seg, off, hlen)) {
            ctx.print(" [remaining caplen(").print(PrintContext.available(seg, off)).print(") < header length(")
                    .print(hlen).print(")]");
            throw new Truncated();
        }
        if (data > 0 && (flags & Tcp.RST) != 0 && ctx.verbose() > 0) {
            resetData(ctx, seg, off + hlen, data);
        }
    }

    /**
     * RFC 9293 §3.5.3 allows text in a reset ("RST data"): up to 30 bytes of it as printable
     * characters, {@code !} when not all was captured and {@code +} when there is more.
     */
    private static void resetData(PrintContext ctx, MemorySegment seg, long at, int length) {
        ctx.print(PrintContext.has(seg, at, length) ? " [RST" : " [!RST");
        int n = length;
        if (n > MAX_RST_DATA) {
            n = MAX_RST_DATA;
            ctx.print("+");
        }
        ctx.print(" ");
        for (long p = at; n > 0 && p < seg.byteSize(); p++, n--) {
            printable(ctx.out, BigEndian.u8(seg, p));
        }
        ctx.print("]");
    }

    /** tcpdump's fn_print_char: M- for the high bit, ^X for control characters. */
    static void printable(StringBuilder sb, int c) {
        int ch = c;
        if (ch >= 0x80) {
            sb.append("M-");
            ch &= 0x7f;
        }
        if (ch < 0x20 || ch == 0x7f) {
            sb.append('^').append((char) (ch ^ 0x40));
        } else {
            sb.append((char) ch);
        }
    }

}
