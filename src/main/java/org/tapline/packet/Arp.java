package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * ARP for IPv4 over Ethernet (RFC 826).
 * <pre>
 *  0 htype 1 | 2 ptype 0x0800 | 4 hlen 6 | 5 plen 4 | 6 oper (1 request, 2 reply)
 *  8 sender MAC | 14 sender IP | 18 target MAC | 24 target IP | 28
 * </pre>
 */
public final class Arp {
    public static final int HTYPE = 0;
    public static final int PTYPE = 2;
    public static final int HLEN = 4;
    public static final int PLEN = 5;
    public static final int OPER = 6;
    public static final int SHA = 8;
    public static final int SPA = 14;
    public static final int THA = 18;
    public static final int TPA = 24;
    public static final int LENGTH = 28;
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    private final MemorySegment seg;
    private final long off;

    private Arp(MemorySegment seg, long off) {
        this.seg = seg;
        this.off = off;
    }

    /** A view of an Ethernet/IPv4 ARP packet, or null if it is short or of another kind. */
    public static Arp of(MemorySegment seg, long off, long len) {
        if (len < LENGTH || Bytes.u16(seg, off + HTYPE) != 1 || Bytes.u16(seg, off + PTYPE) != Ethernet.TYPE_IPV4
                || Bytes.u8(seg, off + HLEN) != 6 || Bytes.u8(seg, off + PLEN) != 4) {
            return null;
        }
        return new Arp(seg, off);
    }

    public int operation() {
        return Bytes.u16(seg, off + OPER);
    }

    public String senderMac() {
        return InetFormat.mac(seg, off + SHA);
    }

    public String senderIp() {
        return InetFormat.ipv4(seg, off + SPA);
    }

    public String targetMac() {
        return InetFormat.mac(seg, off + THA);
    }

    public String targetIp() {
        return InetFormat.ipv4(seg, off + TPA);
    }

    /** Writes an ARP packet; returns the offset after it. */
    public static long emit(MemorySegment s, long off, int oper, byte[] sha, byte[] spa, byte[] tha, byte[] tpa) {
        Bytes.put16(s, off + HTYPE, 1);
        Bytes.put16(s, off + PTYPE, Ethernet.TYPE_IPV4);
        Bytes.put8(s, off + HLEN, 6);
        Bytes.put8(s, off + PLEN, 4);
        Bytes.put16(s, off + OPER, oper);
        MemorySegment.copy(MemorySegment.ofArray(sha), 0, s, off + SHA, 6);
        MemorySegment.copy(MemorySegment.ofArray(spa), 0, s, off + SPA, 4);
        MemorySegment.copy(MemorySegment.ofArray(tha), 0, s, off + THA, 6);
        MemorySegment.copy(MemorySegment.ofArray(tpa), 0, s, off + TPA, 4);
        return off + LENGTH;
    }
}
