package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The IP part of a {@link Summary} line: IPv4 and IPv6 headers and the TCP, UDP, ICMP and
 * ICMPv6 messages they carry, worded after tcpdump's print-ip.c, print-ip6.c, print-tcp.c,
 * print-udp.c, print-icmp.c and print-icmp6.c.
 *
 * <p>Every method takes {@code cap} (bytes captured from {@code off}) and {@code wire} (bytes
 * on the wire from {@code off}); {@code cap < wire} means the snapshot length cut the packet.
 */
final class IpSummary {
    /** ESP's SPI and sequence number (RFC 4303 §2). */
    private static final int ESP_CLEAR_LENGTH = 8;

    private IpSummary() {}

    static void ipv4(StringBuilder sb, MemorySegment seg, long off, long cap, long wire) {
        sb.append("IP ");
        Ipv4 ip = Ipv4.of(seg, off, cap);
        if (ip == null) {
            sb.append("[|ip]");
            return;
        }
        if (ip.fieldProblem() != null) {
            sb.append("malformed IPv4 header (").append(ip.fieldProblem()).append(')');
            return;
        }
        if (ip.problem() != null) { // options not all present: cut by the snapshot length, or short
            sb.append(cap < wire ? "[|ip]" : "malformed IPv4 header (" + ip.problem() + ")");
            return;
        }
        if (ip.totalLength() > wire) {
            sb.append("truncated-ip - ").append(ip.totalLength() - wire).append(" bytes missing! ");
        }
        int payload = ip.totalLength() - ip.headerLength();
        if (ip.fragmentOffset() != 0) {
            addresses(sb, ip, -1, -1);
            sb.append(" ip-proto-").append(ip.protocol());
            fragment(sb, ip.identification(), payload, ip.fragmentOffset(), ip.moreFragments());
            return;
        }
        if (ip.protocol() == IpPacket.PROTO_ICMP) {
            icmp(sb, ip, payload);
            return;
        }
        transport(sb, ip, payload);
    }

    static void ipv6(StringBuilder sb, MemorySegment seg, long off, long cap, long wire) {
        sb.append("IP6 ");
        Ipv6 ip = Ipv6.of(seg, off, cap);
        if (ip == null) {
            sb.append("[|ip6]");
            return;
        }
        if (ip.version() != Ipv6.VERSION) {
            sb.append("malformed IPv6 header (").append(ip.problem()).append(')');
            return;
        }
        long declared = Ipv6.HEADER_LENGTH + (long) ip.payloadLength();
        if (declared > wire) {
            sb.append("truncated-ip6 - ").append(declared - wire).append(" bytes missing! ");
        }
        if (ip.problem() != null) {
            addresses(sb, ip, -1, -1);
            sb.append(cap < wire && declared > cap ? " [|ip6]" : " malformed IPv6 header (" + ip.problem() + ")");
            return;
        }
        int payload = (int) (declared - (ip.transportOffset() - off));
        if (ip.fragmentOffset() != 0) {
            addresses(sb, ip, -1, -1);
            sb.append(" ip-proto-").append(ip.protocol());
            fragment(sb, ip.fragmentId(), payload, ip.fragmentOffset(), ip.moreFragments());
            return;
        }
        switch (ip.protocol()) {
            case IpPacket.PROTO_ICMPV6 -> icmpv6(sb, ip, payload);
            case Ipv6.NO_NEXT_HEADER -> {
                addresses(sb, ip, -1, -1);
                sb.append(" no next header");
            }
            case Ipv6.ESP -> esp(sb, ip, payload);
            default -> transport(sb, ip, payload);
        }
    }

    /** TCP, UDP or an unknown protocol over either IP version. */
    private static void transport(StringBuilder sb, IpPacket ip, int payload) {
        switch (ip.protocol()) {
            case IpPacket.PROTO_TCP -> tcp(sb, ip, payload);
            case IpPacket.PROTO_UDP -> udp(sb, ip, payload);
            default -> {
                addresses(sb, ip, -1, -1);
                sb.append(" ip-proto-").append(ip.protocol()).append(' ').append(payload);
            }
        }
    }

    private static void tcp(StringBuilder sb, IpPacket ip, int payload) {
        Tcp tcp = Tcp.of(ip);
        if (tcp == null) {
            addresses(sb, ip, -1, -1);
            sb.append(" [|tcp]");
            return;
        }
        addresses(sb, ip, tcp.sourcePort(), tcp.destinationPort());
        if (tcp.dataOffset() < Tcp.MIN_DATA_OFFSET || tcp.headerLength() > payload) {
            sb.append(" tcp [bad hdr length ").append(tcp.headerLength()).append(']');
            return;
        }
        int length = payload - tcp.headerLength();
        sb.append(" Flags [").append(TcpFlagsText.of(tcp.flags())).append(']');
        int flags = tcp.flags();
        if (length > 0 || (flags & (Tcp.SYN | Tcp.FIN | Tcp.RST)) != 0) {
            sb.append(", seq ").append(tcp.sequence());
            if (length > 0) {
                sb.append(':').append((tcp.sequence() + length) & 0xffff_ffffL);
            }
        }
        if (tcp.ack()) {
            sb.append(", ack ").append(tcp.acknowledgment());
        }
        sb.append(", win ").append(tcp.window());
        if (tcp.urg()) {
            sb.append(", urg ").append(tcp.urgentPointer());
        }
        if (tcp.headerLength() > Tcp.MIN_HEADER_LENGTH) {
            if (tcp.problem() != null) {
                sb.append(" [|tcp]");
                return;
            }
            sb.append(", options [");
            TcpFlagsText.options(sb, tcp.segment(), tcp.optionsOffset(), tcp.optionsLength());
            sb.append(']');
        }
        sb.append(", length ").append(length);
    }

    private static void udp(StringBuilder sb, IpPacket ip, int payload) {
        Udp udp = Udp.of(ip);
        if (udp == null) {
            addresses(sb, ip, -1, -1);
            sb.append(" [|udp]");
            return;
        }
        addresses(sb, ip, udp.sourcePort(), udp.destinationPort());
        if (udp.problem() != null || udp.length() > payload) {
            sb.append(" UDP, bad length ").append(udp.length()).append(" > ").append(payload);
            return;
        }
        sb.append(" UDP, length ").append(udp.length() - Udp.HEADER_LENGTH);
    }

    private static void icmp(StringBuilder sb, Ipv4 ip, int payload) {
        addresses(sb, ip, -1, -1);
        Icmp icmp = Icmp.of(ip);
        if (icmp == null) {
            sb.append(" [|icmp]");
            return;
        }
        sb.append(" ICMP ");
        switch (icmp.type()) {
            case Icmp.ECHO_REQUEST, Icmp.ECHO_REPLY -> sb.append("echo ")
                    .append(icmp.type() == Icmp.ECHO_REQUEST ? "request" : "reply")
                    .append(", id ").append(icmp.identifier()).append(", seq ").append(icmp.sequence());
            case Icmp.DEST_UNREACHABLE -> IcmpText.unreachable(sb, icmp);
            default -> sb.append(IcmpText.typeName(icmp.type(), icmp.code()));
        }
        sb.append(", length ").append(payload);
    }

    private static void icmpv6(StringBuilder sb, Ipv6 ip, int payload) {
        addresses(sb, ip, -1, -1);
        Icmpv6 m = Icmpv6.of(ip);
        if (m == null) {
            sb.append(" [|icmp6]");
            return;
        }
        sb.append(" ICMP6, ").append(Icmpv6.typeName(m.type()));
        switch (m.type()) {
            case Icmpv6.ECHO_REQUEST, Icmpv6.ECHO_REPLY ->
                    sb.append(", id ").append(m.identifier()).append(", seq ").append(m.sequence());
            case Icmpv6.NEIGHBOR_SOLICITATION, Icmpv6.NEIGHBOR_ADVERTISEMENT -> {
                if (!m.hasTarget()) {
                    sb.append(" [|icmp6]");
                    return;
                }
                sb.append(m.type() == Icmpv6.NEIGHBOR_SOLICITATION ? ", who has " : ", tgt is ").append(m.targetText());
            }
            case Icmpv6.MLDV2_REPORT -> sb.append(", ").append(m.sequence()).append(" group record(s)");
            default -> { }
        }
        sb.append(", length ").append(payload);
    }

    /** RFC 4303 §2: SPI and sequence number, the only clear fields. */
    private static void esp(StringBuilder sb, Ipv6 ip, int payload) {
        addresses(sb, ip, -1, -1);
        long at = ip.transportOffset();
        if (ip.transportLength() < ESP_CLEAR_LENGTH) {
            sb.append(" [|ESP]");
            return;
        }
        sb.append(String.format(" ESP(spi=0x%08x,seq=0x%x), length %d",
                BigEndian.u32(ip.segment(), at), BigEndian.u32(ip.segment(), at + 4), payload));
    }

    private static void addresses(StringBuilder sb, IpPacket ip, int srcPort, int dstPort) {
        sb.append(ip.sourceText());
        if (srcPort >= 0) {
            sb.append('.').append(srcPort);
        }
        sb.append(" > ").append(ip.destinationText());
        if (dstPort >= 0) {
            sb.append('.').append(dstPort);
        }
        sb.append(':');
        if (ip instanceof Ipv6 v6) {
            for (int i = 0; i < v6.extensionCount(); i++) {
                sb.append(' ').append(Ipv6.extensionName(v6.extensionType(i)));
            }
        }
    }

    /** Fragment id:length@offset(+ if more follow), as tcpdump -v shows it; not shown by plain tcpdump. */
    private static void fragment(StringBuilder sb, long id, int length, int offset, boolean more) {
        sb.append(" (frag ").append(id).append(':').append(length).append('@').append(offset)
                .append(more ? "+" : "").append(')');
    }

    /** Protocol name as tcpdump -n prints it inside ICMP errors. */
    static String protocolName(int protocol) {
        return switch (protocol) {
            case IpPacket.PROTO_ICMP -> "icmp";
            case IpPacket.PROTO_TCP -> "tcp";
            case IpPacket.PROTO_UDP -> "udp";
            case IpPacket.PROTO_ICMPV6 -> "icmp6";
            default -> "ip-proto-" + protocol;
        };
    }
}
