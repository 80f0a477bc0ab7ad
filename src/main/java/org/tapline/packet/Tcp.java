package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of a TCP segment (RFC 9293 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #of} returns {@code null} when the 20-byte fixed header is not present;
 * {@link #problem()} reports a data offset below 5 or options cut short.
 */
public final class Tcp {
    static final int SRC_PORT = 0;
    static final int DST_PORT = 2;
    static final int SEQ = 4;
    static final int ACK = 8;
    static final int OFFSET_FLAGS = 12;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT = 18;
    /** Length of the header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    static final int MIN_DATA_OFFSET = 5;
    static final int FLAGS_MASK = 0xff;

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
    private final long len;

    private Tcp(MemorySegment seg, long off, long len) {
        this.seg = seg;
        this.off = off;
        this.len = len;
    }

    /** A view, or {@code null} if fewer than 20 bytes are present. */
    public static Tcp of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        return n < MIN_HEADER_LENGTH ? null : new Tcp(seg, off, n);
    }

    /** The TCP segment carried by {@code ip}, or {@code null}. */
    public static Tcp of(IpPacket ip) {
        return ip.hasTransportHeader() ? of(ip.segment(), ip.transportOffset(), ip.transportLength()) : null;
    }

    public String problem() {
        if (dataOffset() < MIN_DATA_OFFSET) {
            return "bad header length " + headerLength();
        }
        if (headerLength() > len) {
            return "options truncated: header length " + headerLength() + " > " + len + " bytes present";
        }
        return null;
    }

    public int sourcePort() {
        return BigEndian.u16(seg, off + SRC_PORT);
    }

    public int destinationPort() {
        return BigEndian.u16(seg, off + DST_PORT);
    }

    public long sequence() {
        return BigEndian.u32(seg, off + SEQ);
    }

    public long acknowledgment() {
        return BigEndian.u32(seg, off + ACK);
    }

    /** Header length in 32-bit words. */
    public int dataOffset() {
        return BigEndian.u8(seg, off + OFFSET_FLAGS) >>> 4;
    }

    public int headerLength() {
        return dataOffset() * 4;
    }

    /** Options bytes (0 when malformed). */
    public int optionsLength() {
        return problem() == null ? headerLength() - MIN_HEADER_LENGTH : 0;
    }

    /** The eight flag bits CWR..FIN; test with {@link #SYN} etc. */
    public int flags() {
        return BigEndian.u8(seg, off + OFFSET_FLAGS + 1) & FLAGS_MASK;
    }

    public boolean fin() {
        return (flags() & FIN) != 0;
    }

    public boolean syn() {
        return (flags() & SYN) != 0;
    }

    public boolean rst() {
        return (flags() & RST) != 0;
    }

    public boolean psh() {
        return (flags() & PSH) != 0;
    }

    public boolean ack() {
        return (flags() & ACK_FLAG) != 0;
    }

    public boolean urg() {
        return (flags() & URG) != 0;
    }

    public int window() {
        return BigEndian.u16(seg, off + WINDOW);
    }

    public int checksum() {
        return BigEndian.u16(seg, off + CHECKSUM);
    }

    public int urgentPointer() {
        return BigEndian.u16(seg, off + URGENT);
    }

    public MemorySegment segment() {
        return seg;
    }

    /** Absolute offset of the options. */
    public long optionsOffset() {
        return off + MIN_HEADER_LENGTH;
    }

    public long payloadOffset() {
        return off + headerLength();
    }

    /** Payload bytes present (0 when malformed). */
    public long payloadLength() {
        return problem() == null ? len - headerLength() : 0;
    }

    /**
     * Whether the checksum verifies against {@code ip}'s pseudo-header, over all the bytes of this
     * view (which {@link #of(IpPacket)} bounds by the IP length). False when malformed or when
     * {@code ip} declares bytes that were not captured.
     */
    public boolean checksumOk(IpPacket ip) {
        if (problem() != null || ip.missing() > 0) {
            return false;
        }
        return Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_TCP, len) + Checksum.sum(seg, off, len)) == 0;
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }
}
