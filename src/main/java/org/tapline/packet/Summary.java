package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * One line per packet in the style of tcpdump's default output (without the time stamp):
 * {@code IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [S], seq 1, win 64240, length 0}. Never
 * throws: short or malformed packets are described as such ({@code [|tcp]}, {@code truncated-ip}).
 */
public final class Summary {
    /** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) and Linux DLT aliases. */
    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int DLT_RAW_BSD = 12;
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final int SLL_HEADER = 16;
    private static final int SLL_PROTOCOL = 14;
    private static final int SLL2_HEADER = 20;
    private static final int SLL2_PROTOCOL = 0;
    private static final int NULL_HEADER = 4;

    private Summary() {}

    public static String of(int linkType, MemorySegment frame, int originalLength) {
        long len = frame.byteSize();
        return switch (linkType) {
            case LINKTYPE_ETHERNET -> ethernet(frame, len, originalLength);
            case LINKTYPE_RAW, DLT_RAW_BSD, DLT_RAW_OPENBSD -> rawIp(frame, 0, len);
            case LINKTYPE_LINUX_SLL -> len < SLL_HEADER ? "[|sll]"
                    : byEtherType(Bytes.u16(frame, SLL_PROTOCOL), frame, SLL_HEADER, len - SLL_HEADER, originalLength);
            case LINKTYPE_LINUX_SLL2 -> len < SLL2_HEADER ? "[|sll2]"
                    : byEtherType(Bytes.u16(frame, SLL2_PROTOCOL), frame, SLL2_HEADER, len - SLL2_HEADER, originalLength);
            case LINKTYPE_NULL, LINKTYPE_LOOP -> loopback(linkType, frame, len);
            default -> "link-type " + linkType + ", length " + originalLength;
        };
    }

    private static String ethernet(MemorySegment f, long len, int originalLength) {
        Ethernet e = Ethernet.of(f, 0, len);
        if (e == null) {
            return "[|ether]";
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < e.tags(); i++) {
            prefix.append("vlan ").append(e.vlan(i)).append(", ");
        }
        String rest = byEtherType(e.etherType(), f, e.payloadOffset(), e.payloadLength(), originalLength);
        return prefix.isEmpty() ? rest : "802.1Q " + prefix + rest;
    }

    private static String byEtherType(int type, MemorySegment f, long off, long len, int originalLength) {
        return switch (type) {
            case Ethernet.TYPE_IPV4 -> ipv4(f, off, len);
            case Ethernet.TYPE_IPV6 -> ipv6(f, off, len);
            case Ethernet.TYPE_ARP -> arp(f, off, len);
            default -> String.format("ethertype 0x%04x, length %d", type, originalLength);
        };
    }

    private static String loopback(int linkType, MemorySegment f, long len) {
        if (len < NULL_HEADER) {
            return "[|null]";
        }
        // DLT_NULL holds the family in the capturing host's order; DLT_LOOP in network order.
        long fam = Bytes.u32(f, 0);
        if (linkType == LINKTYPE_NULL && fam > 0xffff) {
            fam = Integer.toUnsignedLong(Integer.reverseBytes((int) fam));
        }
        if (fam == 2) {
            return ipv4(f, NULL_HEADER, len - NULL_HEADER);
        }
        if (fam == 10 || fam == 24 || fam == 28 || fam == 30) {
            return ipv6(f, NULL_HEADER, len - NULL_HEADER);
        }
        return "loopback family " + fam + ", length " + (len - NULL_HEADER);
    }

    private static String rawIp(MemorySegment f, long off, long len) {
        if (len < 1) {
            return "[|ip]";
        }
        int v = Bytes.u8(f, off) >> 4;
        return v == 6 ? ipv6(f, off, len) : ipv4(f, off, len);
    }

    static String arp(MemorySegment f, long off, long len) {
        Arp a = Arp.of(f, off, len);
        if (a == null) {
            return len < Arp.LENGTH ? "ARP, [|arp]" : "ARP, unsupported hardware/protocol, length " + len;
        }
        return switch (a.operation()) {
            case Arp.REQUEST -> "ARP, Request who-has " + a.targetIp() + " tell " + a.senderIp() + ", length " + Arp.LENGTH;
            case Arp.REPLY -> "ARP, Reply " + a.senderIp() + " is-at " + a.senderMac() + ", length " + Arp.LENGTH;
            default -> "ARP, operation " + a.operation() + ", length " + Arp.LENGTH;
        };
    }

    static String ipv4(MemorySegment f, long off, long len) {
        String problem = Ipv4.problem(f, off, len);
        if (problem != null) {
            return "IP " + problem;
        }
        Ipv4 ip = Ipv4.of(f, off, len);
        String head = "IP " + ip.source();
        String tail = " > " + ip.destination();
        if (ip.fragmentOffset() != 0) {
            return head + tail + ": ip-proto-" + ip.protocol() + " (frag " + ip.id() + ":" + ip.declaredPayloadLength() + "@"
                    + ip.fragmentOffset() + (ip.moreFragments() ? "+" : "") + ")";
        }
        return transport(head, tail, ip.protocol(), f, ip.payloadOffset(), ip.payloadLength(), ip.declaredPayloadLength(), false);
    }

    static String ipv6(MemorySegment f, long off, long len) {
        String problem = Ipv6.problem(f, off, len);
        if (problem != null) {
            return "IP6 " + problem;
        }
        Ipv6 ip = Ipv6.of(f, off, len);
        String head = "IP6 " + ip.source();
        String tail = " > " + ip.destination();
        if (ip.upperOffset() < 0) {
            return head + tail + ": [|ip6 extension headers]";
        }
        if (ip.laterFragment()) {
            return head + tail + ": frag (continued)";
        }
        String line = transport(head, tail, ip.upperProtocol(), f, ip.upperOffset(), ip.upperLength(), ip.declaredUpperLength(), true);
        if (ip.hopByHop()) {
            // tcpdump names the hop-by-hop header before the upper layer: "IP6 a > b: HBH ICMP6, ..."
            int colon = line.indexOf(": ", head.length());
            return colon < 0 ? line : line.substring(0, colon + 2) + "HBH " + line.substring(colon + 2);
        }
        return line;
    }

    private static String transport(String head, String tail, int proto, MemorySegment f, long off, long len, long declared, boolean v6) {
        switch (proto) {
            case Ipv4.PROTO_TCP -> {
                String problem = Tcp.problem(f, off, len);
                if (problem != null) {
                    return head + tail + ": " + problem;
                }
                Tcp t = Tcp.of(f, off, len);
                long data = Math.max(0, declared - t.headerLength());
                StringBuilder b = new StringBuilder(head).append('.').append(t.sourcePort()).append(tail).append('.')
                        .append(t.destinationPort()).append(": Flags [").append(t.flagText()).append(']');
                if (data > 0 || t.syn() || t.fin() || t.rst()) {
                    b.append(", seq ").append(t.sequence());
                    if (data > 0) {
                        b.append(':').append((t.sequence() + data) & 0xffffffffL);
                    }
                }
                if (t.ack()) {
                    b.append(", ack ").append(t.acknowledgment());
                }
                return b.append(", win ").append(t.window()).append(", length ").append(data).toString();
            }
            case Ipv4.PROTO_UDP -> {
                Udp u = Udp.of(f, off, len);
                if (u == null) {
                    return head + tail + ": [|udp]";
                }
                return head + '.' + u.sourcePort() + tail + '.' + u.destinationPort() + ": UDP, length "
                        + Math.max(0, u.length() - Udp.HEADER);
            }
            case Ipv4.PROTO_ICMP -> {
                return head + tail + ": " + Icmp.describeV4(f, off, len, (int) declared);
            }
            case Ipv4.PROTO_ICMPV6 -> {
                return head + tail + ": " + Icmp.describeV6(f, off, len, declared);
            }
            case Ipv6.NO_NEXT -> {
                return head + tail + ": no next header";
            }
            default -> {
                return head + tail + ": " + (v6 ? "ip6-proto-" : "ip-proto-") + proto + " " + declared;
            }
        }
    }
}
