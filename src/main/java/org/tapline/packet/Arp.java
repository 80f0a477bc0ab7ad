package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of an ARP packet (RFC 826). Address accessors assume Ethernet/IPv4
 * ({@link #isEthernetIpv4()}), the only combination this package decodes; the generic
 * fields are valid for any ARP packet.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     hardware type (1)         |    protocol type (0x0800)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  hlen (6)     |   plen (4)    |          operation            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   sender hardware address (6) | sender protocol address (4)   |
 * |   target hardware address (6) | target protocol address (4)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #of} returns {@code null} when the 8-byte fixed part is missing; {@link #problem()}
 * reports addresses cut short. Address accessors require {@code problem() == null} and
 * {@code isEthernetIpv4()}.
 */
public final class Arp {
    static final int HTYPE = 0;
    static final int PTYPE = 2;
    static final int HLEN = 4;
    static final int PLEN = 5;
    static final int OPER = 6;
    static final int SHA = 8;
    static final int SPA = 14;
    static final int THA = 18;
    static final int TPA = 24;
    /** Length of the fixed part before the addresses. */
    public static final int FIXED_LENGTH = 8;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int ETHERNET_IPV4_LENGTH = 28;

    /** Hardware type Ethernet (RFC 826, IANA ARP parameters). */
    public static final int HTYPE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private final MemorySegment seg;
    private final long off;
    private final long len;

    private Arp(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view, or {@code null} if fewer than 8 bytes are present. */
    public static Arp of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        return n < FIXED_LENGTH ? null : new Arp(seg, off, n);
    }

    /** {@code null}, or why the addresses cannot be read. */
    public String problem() {
        long need = FIXED_LENGTH + 2L * (hardwareLength() + protocolLength());
        return need > len ? "truncated addresses: " + need + " bytes needed, " + len + " present" : null;
    }

    public int hardwareType() {
        return BigEndian.u16(seg, off + HTYPE);
    }

    public int protocolType() {
        return BigEndian.u16(seg, off + PTYPE);
    }

    public int hardwareLength() {
        return BigEndian.u8(seg, off + HLEN);
    }

    public int protocolLength() {
        return BigEndian.u8(seg, off + PLEN);
    }

    public int operation() {
        return BigEndian.u16(seg, off + OPER);
    }

    /** Whether this is the Ethernet/IPv4 layout whose addresses the accessors below read. */
    public boolean isEthernetIpv4() {
        return hardwareType() == HTYPE_ETHERNET && protocolType() == Ethernet.TYPE_IPV4
                && hardwareLength() == MacAddress.LENGTH && protocolLength() == Ipv4Address.LENGTH;
    }

    public MacAddress senderMac() {
        return MacAddress.read(seg, off + SHA);
    }

    public Ipv4Address senderIp() {
        return Ipv4Address.read(seg, off + SPA);
    }

    public MacAddress targetMac() {
        return MacAddress.read(seg, off + THA);
    }

    public Ipv4Address targetIp() {
        return Ipv4Address.read(seg, off + TPA);
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }
}
