package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * An Ethernet II frame (IEEE 802.3), with any number of 802.1Q (0x8100) / 802.1ad (0x88a8)
 * tags skipped.
 * <pre>
 *  0 destination (6) | 6 source (6) | 12 ethertype or TPID (2) | [14 TCI (2) | 16 ethertype] ...
 * </pre>
 */
public final class Ethernet {
    public static final int DST = 0;
    public static final int SRC = 6;
    public static final int TYPE = 12;
    public static final int HEADER = 14;
    public static final int TAG = 4;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88a8;
    private static final int MAX_TAGS = 8;

    private final MemorySegment seg;
    private final long off;
    private final long len;
    private final int tags;

    private Ethernet(MemorySegment seg, long off, long len, int tags) {
        this.seg = seg;
        this.off = off;
        this.len = len;
        this.tags = tags;
    }

    /** A view, or null when fewer bytes than the header (and its tags) are present. */
    public static Ethernet of(MemorySegment seg, long off, long len) {
        if (len < HEADER) {
            return null;
        }
        int tags = 0;
        while (tags < MAX_TAGS) {
            int t = Bytes.u16(seg, off + TYPE + (long) TAG * tags);
            if (t != TYPE_VLAN && t != TYPE_QINQ) {
                break;
            }
            if (len < HEADER + (long) TAG * (tags + 1)) {
                return null;
            }
            tags++;
        }
        return new Ethernet(seg, off, len, tags);
    }

    public String destination() {
        return InetFormat.mac(seg, off + DST);
    }

    public String source() {
        return InetFormat.mac(seg, off + SRC);
    }

    /** Number of VLAN tags before the ethertype. */
    public int tags() {
        return tags;
    }

    /** The VLAN id of tag {@code i} (0 = outermost). */
    public int vlan(int i) {
        return Bytes.u16(seg, off + HEADER + (long) TAG * i) & 0x0fff;
    }

    /** The ethertype after the tags (or an 802.3 length, if 1500 or less). */
    public int etherType() {
        return Bytes.u16(seg, off + TYPE + (long) TAG * tags);
    }

    public long payloadOffset() {
        return off + HEADER + (long) TAG * tags;
    }

    public long payloadLength() {
        return len - HEADER - (long) TAG * tags;
    }

    /** Writes an untagged Ethernet header; returns the payload offset. */
    public static long emit(MemorySegment s, long off, byte[] dst, byte[] src, int etherType) {
        MemorySegment.copy(MemorySegment.ofArray(dst), 0, s, off + DST, 6);
        MemorySegment.copy(MemorySegment.ofArray(src), 0, s, off + SRC, 6);
        Bytes.put16(s, off + TYPE, etherType);
        return off + HEADER;
    }
}
