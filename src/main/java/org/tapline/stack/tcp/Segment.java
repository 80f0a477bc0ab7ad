package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Checksum;
import org.tapline.packet.Tcp;
import org.tapline.stack.ip.Datagram;

/**
 * One received segment, parsed once and reused for the next (the transport owns one): the
 * header fields, the options a connection uses (MSS, window scale, SACK-permitted, SACK blocks,
 * timestamps) and where the payload lies. {@link #parse} checks every length from the wire.
 */
final class Segment {
    static final int MAX_SACK_BLOCKS = 4;

    int sourcePort;
    int destinationPort;
    long seq;
    long ack;
    int flags;
    int window;
    MemorySegment data;
    long dataOffset;
    int dataLength;
    /** MSS option, or 0. */
    int mss;
    /** Window scale shift, or -1 without the option. */
    int windowScale;
    boolean sackPermitted;
    boolean hasTimestamp;
    long tsVal;
    long tsEcr;
    int sackCount;
    final long[] sack = new long[2 * MAX_SACK_BLOCKS];

    boolean syn() {
        return (flags & Tcp.SYN) != 0;
    }

    boolean fin() {
        return (flags & Tcp.FIN) != 0;
    }

    boolean rst() {
        return (flags & Tcp.RST) != 0;
    }

    boolean hasAck() {
        return (flags & Tcp.ACK_FLAG) != 0;
    }

    /** SEG.LEN: data plus one for SYN and one for FIN (RFC 9293 §3.4). */
    int seqLength() {
        return dataLength + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /** Parses {@code d}; false (counted as an input error by the caller) when malformed or the checksum fails. */
    boolean parse(Datagram d) {
        MemorySegment s = d.segment;
        long off = d.offset;
        int len = d.length;
        if (len < Wire.HEADER || off + len > s.byteSize()) {
            return false;
        }
        int headerLength = (Wire.u8(s, off + Wire.OFFSET) >>> 4) * 4;
        if (headerLength < Wire.HEADER || headerLength > len) {
            return false;
        }
        if (Checksum.finish(d.pseudoHeaderSum() + Checksum.sum(s, off, len)) != 0) {
            return false;
        }
        sourcePort = Wire.u16(s, off + Wire.SRC_PORT);
        destinationPort = Wire.u16(s, off + Wire.DST_PORT);
        seq = Wire.u32(s, off + Wire.SEQ);
        ack = Wire.u32(s, off + Wire.ACK);
        flags = Wire.u8(s, off + Wire.FLAGS);
        window = Wire.u16(s, off + Wire.WINDOW);
        data = s;
        dataOffset = off + headerLength;
        dataLength = len - headerLength;
        return parseOptions(s, off + Wire.HEADER, off + headerLength);
    }

    /** RFC 9293 §3.2: kinds 0 and 1 are one byte, every other has a length byte of at least 2. */
    private boolean parseOptions(MemorySegment s, long from, long end) {
        mss = 0;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamp = false;
        sackCount = 0;
        long at = from;
        while (at < end) {
            int kind = Wire.u8(s, at);
            if (kind == Wire.OPT_END) {
                break;
            }
            if (kind == Wire.OPT_NOP) {
                at++;
                continue;
            }
            if (at + 2 > end) {
                return false;
            }
            int n = Wire.u8(s, at + 1);
            if (n < 2 || at + n > end) {
                return false;
            }
            switch (kind) {
                case Wire.OPT_MSS -> mss = n == Wire.LEN_MSS ? Wire.u16(s, at + 2) : mss;
                // RFC 7323 §2.3: a shift above 14 is taken as 14.
                case Wire.OPT_WSCALE -> windowScale = n == Wire.LEN_WSCALE ? Math.min(14, Wire.u8(s, at + 2)) : windowScale;
                case Wire.OPT_SACK_OK -> sackPermitted = n == Wire.LEN_SACK_OK;
                case Wire.OPT_TIMESTAMP -> {
                    if (n == Wire.LEN_TIMESTAMP) {
                        hasTimestamp = true;
                        tsVal = Wire.u32(s, at + 2);
                        tsEcr = Wire.u32(s, at + 6);
                    }
                }
                case Wire.OPT_SACK -> readSack(s, at, n);
                default -> { }
            }
            at += n;
        }
        return true;
    }

    private void readSack(MemorySegment s, long at, int n) {
        int blocks = (n - 2) / Wire.SACK_BLOCK;
        if ((n - 2) % Wire.SACK_BLOCK != 0) {
            return;
        }
        sackCount = Math.min(blocks, MAX_SACK_BLOCKS);
        for (int i = 0; i < sackCount; i++) {
            sack[2 * i] = Wire.u32(s, at + 2 + (long) i * Wire.SACK_BLOCK);
            sack[2 * i + 1] = Wire.u32(s, at + 6 + (long) i * Wire.SACK_BLOCK);
        }
    }
}
