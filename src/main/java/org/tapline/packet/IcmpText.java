package org.tapline.packet;

/** ICMP (RFC 792, RFC 1812 §5.2.7.1) wording as in tcpdump's print-icmp.c. */
final class IcmpText {
    static final int UNREACH_NET = 0;
    static final int UNREACH_HOST = 1;
    static final int UNREACH_PROTOCOL = 2;
    static final int UNREACH_PORT = 3;
    static final int UNREACH_NEEDFRAG = 4;
    static final int UNREACH_SRCFAIL = 5;
    static final int UNREACH_FILTER_PROHIB = 13;
    /** RFC 1191 §4: next-hop MTU in the low half of the rest-of-header. */
    static final int NEEDFRAG_MTU = 6;
    static final int TIMXCEED_REASS = 1;
    /** Ports start the quoted transport header; RFC 792 quotes at least 8 bytes of it. */
    static final int QUOTED_PORTS_LENGTH = 4;

    private IcmpText() {}

    static String typeName(int type, int code) {
        return switch (type) {
            case Icmp.SOURCE_QUENCH -> "source quench";
            case Icmp.REDIRECT -> "redirect";
            case Icmp.TIME_EXCEEDED -> code == TIMXCEED_REASS ? "ip reassembly time exceeded" : "time exceeded in-transit";
            case Icmp.PARAMETER_PROBLEM -> "parameter problem";
            case Icmp.TIMESTAMP_REQUEST -> "time stamp request";
            case Icmp.TIMESTAMP_REPLY -> "time stamp reply";
            default -> "type-#" + type;
        };
    }

    /** "10.0.0.2 udp port 53 unreachable" from the quoted datagram (RFC 792 "Destination Unreachable"). */
    static void unreachable(StringBuilder sb, Icmp icmp) {
        Ipv4 quoted = Ipv4.of(icmp.segment(), icmp.dataOffset(), icmp.dataLength());
        if (quoted == null || quoted.problem() != null) {
            sb.append("unreachable - code ").append(icmp.code()).append(" [|icmp]");
            return;
        }
        String dst = quoted.destinationText();
        switch (icmp.code()) {
            case UNREACH_NET -> sb.append("net ").append(dst).append(" unreachable");
            case UNREACH_HOST -> sb.append("host ").append(dst).append(" unreachable");
            case UNREACH_PROTOCOL -> sb.append(dst).append(" protocol ").append(quoted.protocol()).append(" unreachable");
            case UNREACH_PORT -> {
                sb.append(dst).append(' ').append(IpSummary.protocolName(quoted.protocol())).append(" port ");
                if (quoted.transportLength() < QUOTED_PORTS_LENGTH) {
                    sb.append("[|icmp]");
                    return;
                }
                sb.append(BigEndian.u16(quoted.segment(), quoted.transportOffset() + 2)).append(" unreachable");
            }
            case UNREACH_NEEDFRAG -> sb.append(dst).append(" unreachable - need to frag (mtu ")
                    .append(BigEndian.u16(icmp.segment(), icmp.dataOffset() - Icmp.HEADER_LENGTH + NEEDFRAG_MTU))
                    .append(')');
            case UNREACH_SRCFAIL -> sb.append(dst).append(" unreachable - source route failed");
            case UNREACH_FILTER_PROHIB -> sb.append(dst).append(" unreachable - admin prohibited filter");
            default -> sb.append(dst).append(" unreachable - code ").append(icmp.code());
        }
    }
}
