package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A TCP header (RFC 9293 §3.1).
 * <pre>
 *  0 source port | 2 destination port | 4 sequence number | 8 acknowledgment number
 * 12 data offset|reserved | 13 flags CWR ECE URG ACK PSH RST SYN FIN | 14 window | 16 checksum | 18 urgent | 20 options
 * </pre>
 */
public final class Tcp {
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int SEQ = 4;
    public static final int ACK = 8;
    public static final int DATA_OFFSET = 12;
    public static final int FLAGS = 13;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT = 18;
    public static final int MIN_HEADER = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK_FLAG = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private final MemorySegment seg;
    private final long off;

    private Tcp(MemorySegment seg, long off) {
        this.seg = seg;
        this.off = off;
    }

    public static String problem(MemorySegment seg, long off, long len) {
        if (len < MIN_HEADER) {
            return "[|tcp]";
        }
        int hl = (Bytes.u8(seg, off + DATA_OFFSET) >> 4) * 4;
        if (hl < MIN_HEADER) {
            return "bad-hlen " + hl;
        }
        return hl > len ? "[|tcp]" : null;
    }

    public static Tcp of(MemorySegment seg, long off, long len) {
        return problem(seg, off, len) == null ? new Tcp(seg, off) : null;
    }

    public int sourcePort() {
        return Bytes.u16(seg, off + SRC_PORT);
    }

    public int destinationPort() {
        return Bytes.u16(seg, off + DST_PORT);
    }

    public long sequence() {
        return Bytes.u32(seg, off + SEQ);
    }

    public long acknowledgment() {
        return Bytes.u32(seg, off + ACK);
    }

    public int headerLength() {
        return (Bytes.u8(seg, off + DATA_OFFSET) >> 4) * 4;
    }

    public int flags() {
        return Bytes.u8(seg, off + FLAGS);
    }

    public boolean syn() {
        return (flags() & SYN) != 0;
    }

    public boolean fin() {
        return (flags() & FIN) != 0;
    }

    public boolean rst() {
        return (flags() & RST) != 0;
    }

    public boolean ack() {
        return (flags() & ACK_FLAG) != 0;
    }

    public int window() {
        return Bytes.u16(seg, off + WINDOW);
    }

    public int checksum() {
        return Bytes.u16(seg, off + CHECKSUM);
    }

    /** tcpdump's flag letters: S F P R . U E W (in that order). */
    public String flagText() {
        int f = flags();
        StringBuilder b = new StringBuilder();
        if ((f & SYN) != 0) b.append('S');
        if ((f & FIN) != 0) b.append('F');
        if ((f & PSH) != 0) b.append('P');
        if ((f & RST) != 0) b.append('R');
        if ((f & URG) != 0) b.append('U');
        if ((f & ECE) != 0) b.append('E');
        if ((f & CWR) != 0) b.append('W');
        if ((f & ACK_FLAG) != 0) b.append('.');
        return b.length() == 0 ? "none" : b.toString();
    }

    /** Writes a 20-byte header for {@code dataLength} bytes at {@code off + 20}, checksummed over {@code pseudo}. */
    public static long emit(MemorySegment s, long off, int srcPort, int dstPort, long seq, long ack, int flags, int window,
                            int dataLength, long pseudo) {
        Bytes.put16(s, off + SRC_PORT, srcPort);
        Bytes.put16(s, off + DST_PORT, dstPort);
        Bytes.put32(s, off + SEQ, seq);
        Bytes.put32(s, off + ACK, ack);
        Bytes.put8(s, off + DATA_OFFSET, (MIN_HEADER / 4) << 4);
        Bytes.put8(s, off + FLAGS, flags);
        Bytes.put16(s, off + WINDOW, window);
        Bytes.put16(s, off + CHECKSUM, 0);
        Bytes.put16(s, off + URGENT, 0);
        Bytes.put16(s, off + CHECKSUM, Checksum.finish(pseudo + Checksum.sum(s, off, MIN_HEADER + dataLength)));
        return off + MIN_HEADER;
    }
}
