package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * One-line description of a captured frame in the style of tcpdump 4.99's default output,
 * without the timestamp, e.g. {@code IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64}.
 *
 * <p>Never throws: a frame cut short by the snapshot length ends its line with tcpdump's
 * {@code [|proto]}; a header whose length fields disagree with the bytes on the wire says so
 * ({@code truncated-ip - 20 bytes missing!}, {@code malformed IPv4 header (ihl 3)}).
 * Sequence numbers are absolute, as with {@code tcpdump -S}; no port-specific decoding.
 */
public final class Summary {
    /** BSD loopback: 4-byte address family in the capturing host's byte order. */
    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    /** DLT_RAW as numbered on most BSDs and in older libpcap. */
    public static final int DLT_RAW_BSD = 12;
    /** DLT_RAW as numbered on OpenBSD. */
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int LINKTYPE_RAW = 101;
    /** OpenBSD loopback: like NULL but the family is in network byte order. */
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    static final int NULL_HEADER_LENGTH = 4;
    static final int AF_INET = 2;
    /** AF_INET6 differs per OS: Linux, NetBSD/OpenBSD, FreeBSD, Darwin (tcpdump's print-null.c). */
    static final int AF_INET6_LINUX = 10;
    static final int AF_INET6_BSD = 24;
    static final int AF_INET6_FREEBSD = 28;
    static final int AF_INET6_DARWIN = 30;
    private static final int NULL_FAMILY_HIGH_BITS = 0xffff_0000;

    /**
     * Linux cooked capture v1 (LINKTYPE_LINUX_SLL), 16 bytes:
     * <pre>
     * | packet type (2) | ARPHRD type (2) | addr length (2) | address (8) | protocol (2) |
     * </pre>
     */
    static final int SLL_HEADER_LENGTH = 16;
    static final int SLL_PROTOCOL = 14;
    /**
     * Linux cooked capture v2 (LINKTYPE_LINUX_SLL2), 20 bytes:
     * <pre>
     * | protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | pkt type (1) | addr len (1) | address (8) |
     * </pre>
     */
    static final int SLL2_HEADER_LENGTH = 20;
    static final int SLL2_PROTOCOL = 0;

    static final int VLAN_TCI = 0;
    static final int VLAN_NEXT_TYPE = 2;
    private static final int VID_MASK = 0x0fff;

    private Summary() {}

    /**
     * The summary line of one frame.
     *
     * @param linkType       LINKTYPE/DLT number of the capture (see the constants)
     * @param frame          the captured bytes, exactly the frame
     * @param originalLength the frame's length on the wire (pcap {@code len}); a value below the
     *                       captured length is treated as the captured length
     */
    public static String of(int linkType, MemorySegment frame, int originalLength) {
        try {
            return describe(linkType, frame, originalLength);
        } catch (RuntimeException e) {
            // Views are bounds-checked by construction and fuzzed; this only keeps a printing
            // loop alive should a bug remain.
            return "[|internal error: " + e.getClass().getSimpleName() + "]";
        }
    }

    /** As {@link #of} but lets a bug's exception through: the fuzz tests use this. */
    static String describe(int linkType, MemorySegment frame, int originalLength) {
        if (frame == null) {
            return "[|no frame]";
        }
        long cap = frame.byteSize();
        long wire = Math.max(cap, originalLength);
        StringBuilder sb = new StringBuilder(96);
        switch (linkType) {
            case LINKTYPE_ETHERNET -> ethernet(sb, frame, cap, wire);
            case DLT_RAW_BSD, DLT_RAW_OPENBSD, LINKTYPE_RAW -> raw(sb, frame, 0, cap, wire);
            case LINKTYPE_NULL, LINKTYPE_LOOP -> loopback(sb, frame, cap, wire, linkType == LINKTYPE_LOOP);
            case LINKTYPE_LINUX_SLL -> cooked(sb, frame, cap, wire, SLL_HEADER_LENGTH, SLL_PROTOCOL, "sll");
            case LINKTYPE_LINUX_SLL2 -> cooked(sb, frame, cap, wire, SLL2_HEADER_LENGTH, SLL2_PROTOCOL, "sll2");
            default -> sb.append("unsupported link type ").append(linkType).append(", length ").append(wire);
        }
        return sb.toString();
    }

    private static void ethernet(StringBuilder sb, MemorySegment seg, long cap, long wire) {
        Ethernet eth = Ethernet.of(seg, 0, cap);
        if (eth == null) {
            sb.append("[|ether]");
            return;
        }
        // The Ethernet view and etherType() agree on tags; walking them here keeps one code path
        // for Ethernet and cooked captures, whose protocol field may also be a TPID.
        etherType(sb, BigEndian.u16(seg, Ethernet.TYPE), seg, Ethernet.HEADER_LENGTH,
                cap - Ethernet.HEADER_LENGTH, wire - Ethernet.HEADER_LENGTH, wire, 0);
    }

    private static void cooked(StringBuilder sb, MemorySegment seg, long cap, long wire, int headerLength,
                               int protocolAt, String name) {
        if (cap < headerLength) {
            sb.append("[|").append(name).append(']');
            return;
        }
        int protocol = BigEndian.u16(seg, protocolAt);
        etherType(sb, protocol, seg, headerLength, cap - headerLength, wire - headerLength, wire, 0);
    }

    private static void loopback(StringBuilder sb, MemorySegment seg, long cap, long wire, boolean networkOrder) {
        if (cap < NULL_HEADER_LENGTH) {
            sb.append(networkOrder ? "[|loop]" : "[|null]");
            return;
        }
        int family = seg.get(BigEndian.U32.withOrder(networkOrder ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN), 0);
        if ((family & NULL_FAMILY_HIGH_BITS) != 0) {
            // Written on a host of the other byte order (tcpdump's print-null.c does the same).
            family = Integer.reverseBytes(family);
        }
        long c = cap - NULL_HEADER_LENGTH;
        long w = wire - NULL_HEADER_LENGTH;
        switch (family) {
            case AF_INET -> IpSummary.ipv4(sb, seg, NULL_HEADER_LENGTH, c, w);
            case AF_INET6_LINUX, AF_INET6_BSD, AF_INET6_FREEBSD, AF_INET6_DARWIN ->
                    IpSummary.ipv6(sb, seg, NULL_HEADER_LENGTH, c, w);
            default -> sb.append("AF ").append(Integer.toUnsignedString(family)).append(", length ").append(wire);
        }
    }

    private static void raw(StringBuilder sb, MemorySegment seg, long off, long cap, long wire) {
        if (cap < 1) {
            sb.append("[|ip]");
            return;
        }
        int version = BigEndian.u8(seg, off) >>> 4;
        switch (version) {
            case Ipv4.VERSION -> IpSummary.ipv4(sb, seg, off, cap, wire);
            case Ipv6.VERSION -> IpSummary.ipv6(sb, seg, off, cap, wire);
            default -> sb.append("IP bad-version ").append(version).append(", length ").append(wire);
        }
    }

    /** Dispatches on an EtherType (or TPID) for a payload at {@code off}. */
    static void etherType(StringBuilder sb, int type, MemorySegment seg, long off, long cap, long wire,
                          long frameLength, int tagDepth) {
        if (Ethernet.isTagType(type)) {
            sb.append(type == Ethernet.TYPE_VLAN ? "802.1Q" : "802.1ad");
            if (tagDepth >= Ethernet.MAX_TAGS) {
                sb.append(" [|too many tags]");
                return;
            }
            if (cap < Ethernet.TAG_LENGTH) {
                sb.append(" [|vlan]");
                return;
            }
            int tci = BigEndian.u16(seg, off + VLAN_TCI);
            sb.append(" vlan ").append(tci & VID_MASK).append(", ");
            etherType(sb, BigEndian.u16(seg, off + VLAN_NEXT_TYPE), seg, off + Ethernet.TAG_LENGTH,
                    cap - Ethernet.TAG_LENGTH, wire - Ethernet.TAG_LENGTH, frameLength, tagDepth + 1);
            return;
        }
        switch (type) {
            case Ethernet.TYPE_IPV4 -> IpSummary.ipv4(sb, seg, off, cap, wire);
            case Ethernet.TYPE_IPV6 -> IpSummary.ipv6(sb, seg, off, cap, wire);
            case Ethernet.TYPE_ARP -> arp(sb, seg, off, cap, wire);
            default -> {
                if (type <= Ethernet.MAX_8023_LENGTH) {
                    sb.append("802.3 LLC, length ").append(frameLength);
                } else {
                    sb.append(String.format("ethertype 0x%04x, length %d", type, frameLength));
                }
            }
        }
    }

    /** RFC 826 ARP, worded as tcpdump's print-arp.c. */
    static void arp(StringBuilder sb, MemorySegment seg, long off, long cap, long wire) {
        sb.append("ARP, ");
        Arp arp = Arp.of(seg, off, cap);
        if (arp == null) {
            sb.append("[|arp]");
            return;
        }
        if (!arp.isEthernetIpv4()) {
            sb.append(String.format("hardware type %d, protocol 0x%04x, operation %d, length %d",
                    arp.hardwareType(), arp.protocolType(), arp.operation(), wire));
            return;
        }
        if (arp.problem() != null) {
            sb.append(cap < wire ? "[|arp]" : "malformed (" + arp.problem() + ")");
            return;
        }
        switch (arp.operation()) {
            case Arp.OP_REQUEST -> {
                sb.append("Request who-has ").append(arp.targetIp());
                MacAddress tha = arp.targetMac();
                if (!tha.equals(MacAddress.ZERO) && !tha.equals(MacAddress.BROADCAST)) {
                    sb.append(" (").append(tha).append(')');
                }
                sb.append(" tell ").append(arp.senderIp());
            }
            case Arp.OP_REPLY -> sb.append("Reply ").append(arp.senderIp()).append(" is-at ").append(arp.senderMac());
            default -> sb.append("op ").append(arp.operation()).append(' ').append(arp.senderIp())
                    .append(" > ").append(arp.targetIp());
        }
        sb.append(", length ").append(wire);
    }
}
