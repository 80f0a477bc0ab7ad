package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A UDP header (RFC 768).
 * <pre>
 *  0 source port | 2 destination port | 4 length | 6 checksum | 8 data
 * </pre>
 */
public final class Udp {
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;
    public static final int HEADER = 8;

    private final MemorySegment seg;
    private final long off;

    private Udp(MemorySegment seg, long off) {
        this.seg = seg;
        this.off = off;
    }

    public static Udp of(MemorySegment seg, long off, long len) {
        return len < HEADER ? null : new Udp(seg, off);
    }

    public int sourcePort() {
        return Bytes.u16(seg, off + SRC_PORT);
    }

    public int destinationPort() {
        return Bytes.u16(seg, off + DST_PORT);
    }

    /** The length field (header + data). */
    public int length() {
        return Bytes.u16(seg, off + LENGTH);
    }

    public int checksum() {
        return Bytes.u16(seg, off + CHECKSUM);
    }

    /**
     * Writes a header for {@code dataLength} bytes already at {@code off + 8}, with the checksum
     * over {@code pseudo} (from {@link Checksum#ipv4Pseudo} or {@link Checksum#ipv6Pseudo}).
     */
    public static long emit(MemorySegment s, long off, int srcPort, int dstPort, int dataLength, long pseudo) {
        Bytes.put16(s, off + SRC_PORT, srcPort);
        Bytes.put16(s, off + DST_PORT, dstPort);
        Bytes.put16(s, off + LENGTH, HEADER + dataLength);
        Bytes.put16(s, off + CHECKSUM, 0);
        int c = Checksum.finish(pseudo + Checksum.sum(s, off, HEADER + dataLength));
        Bytes.put16(s, off + CHECKSUM, c == 0 ? 0xffff : c);
        return off + HEADER;
    }
}
