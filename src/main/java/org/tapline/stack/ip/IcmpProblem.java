package org.tapline.stack.ip;

/**
 * What an ICMP or ICMPv6 error says about a datagram, in the terms a transport acts on
 * (RFC 1122 §4.2.3.9 for TCP, §4.1.3.3 for UDP; RFC 4443 §3 for IPv6).
 */
public enum IcmpProblem {
    /** Destination or port unreachable, administratively prohibited: a hard error for UDP. */
    NET_UNREACHABLE,
    HOST_UNREACHABLE,
    PROTOCOL_UNREACHABLE,
    PORT_UNREACHABLE,
    ADMIN_PROHIBITED,
    /** Fragmentation needed and DF set (RFC 1191) or Packet Too Big (RFC 8201): carries an MTU. */
    PACKET_TOO_BIG,
    /** TTL or hop limit exceeded in transit, or reassembly time exceeded. */
    TIME_EXCEEDED,
    PARAMETER_PROBLEM,
    /** Source quench (deprecated, RFC 6633: ignored by transports). */
    SOURCE_QUENCH;

    /** RFC 1122 §4.2.3.9: these abort a TCP connection that is still being opened (soft otherwise). */
    public boolean isHard() {
        return this == PROTOCOL_UNREACHABLE || this == PORT_UNREACHABLE || this == ADMIN_PROHIBITED;
    }
}
