package org.tapline.stack.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.tapline.packet.Checksum;
import org.tapline.packet.IpPacket;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;

/**
 * Builds each outgoing segment in one reused buffer and hands it to IP: header, options laid out
 * as Linux lays them (SYN: MSS, SACK-permitted with the timestamps, NOP, window scale; later:
 * NOP NOP timestamps, NOP NOP SACK), payload copied from the send ring, checksum over the
 * pseudo-header (RFC 9293 §3.1). Set the option fields, then call {@link #send}; they are
 * cleared after each segment.
 */
final class SegmentWriter {
    private static final int MAX_SEGMENT = 65535;

    private final MemorySegment buf = Arena.ofAuto().allocate(MAX_SEGMENT, 64);
    private final IpOutput ip;

    int mss;
    int windowScale = -1;
    boolean sackPermitted;
    boolean timestamp;
    long tsVal;
    long tsEcr;
    int sackCount;
    final long[] sack = new long[2 * Segment.MAX_SACK_BLOCKS];

    SegmentWriter(IpOutput ip) {
        this.ip = ip;
    }

    /** Bytes of options the fields set now take (a multiple of 4). */
    int optionsLength() {
        int n = mss != 0 ? Wire.LEN_MSS : 0;
        n += timestamp ? 12 : 0;
        n += sackPermitted && !timestamp ? 4 : 0;
        n += windowScale >= 0 ? 4 : 0;
        n += sackCount > 0 ? 4 + sackCount * Wire.SACK_BLOCK : 0;
        return n;
    }

    /**
     * Sends one segment with {@code len} bytes of payload taken {@code at} bytes into {@code data}
     * (which may be null when {@code len} is 0).
     */
    IpOutput.Result send(IpAddress src, IpAddress dst, int sport, int dport, long seq, long ack, int flags,
                         int window, ByteRing data, int at, int len, long now) {
        int h = Wire.HEADER + writeOptions(Wire.HEADER);
        Wire.put16(buf, Wire.SRC_PORT, sport);
        Wire.put16(buf, Wire.DST_PORT, dport);
        Wire.put32(buf, Wire.SEQ, seq);
        Wire.put32(buf, Wire.ACK, ack);
        Wire.put8(buf, Wire.OFFSET, (h / 4) << 4);
        Wire.put8(buf, Wire.FLAGS, flags);
        Wire.put16(buf, Wire.WINDOW, window);
        Wire.put16(buf, Wire.CHECKSUM, 0);
        Wire.put16(buf, Wire.URGENT, 0);
        if (len > 0) {
            data.peek(at, buf, h, len);
        }
        int total = h + len;
        long sum = IpAddress.pseudoHeaderSum(src, dst, IpPacket.PROTO_TCP, total) + Checksum.sum(buf, 0, total);
        Wire.put16(buf, Wire.CHECKSUM, Checksum.finish(sum));
        clearOptions();
        return ip.send(src, dst, IpPacket.PROTO_TCP, -1, IpOutput.DONT_FRAGMENT, buf, total, now);
    }

    private int writeOptions(int start) {
        int at = start;
        if (mss != 0) {
            at = put(at, Wire.OPT_MSS, Wire.LEN_MSS);
            Wire.put16(buf, at, mss);
            at += 2;
        }
        if (timestamp) {
            if (sackPermitted) {
                at = put(at, Wire.OPT_SACK_OK, Wire.LEN_SACK_OK);
            } else {
                at = put(at, Wire.OPT_NOP, Wire.OPT_NOP);
            }
            at = put(at, Wire.OPT_TIMESTAMP, Wire.LEN_TIMESTAMP);
            Wire.put32(buf, at, tsVal);
            Wire.put32(buf, at + 4, tsEcr);
            at += 8;
        } else if (sackPermitted) {
            at = put(put(at, Wire.OPT_NOP, Wire.OPT_NOP), Wire.OPT_SACK_OK, Wire.LEN_SACK_OK);
        }
        if (windowScale >= 0) {
            Wire.put8(buf, at++, Wire.OPT_NOP);
            at = put(at, Wire.OPT_WSCALE, Wire.LEN_WSCALE);
            Wire.put8(buf, at++, windowScale);
        }
        if (sackCount > 0) {
            at = put(put(at, Wire.OPT_NOP, Wire.OPT_NOP), Wire.OPT_SACK, 2 + sackCount * Wire.SACK_BLOCK);
            for (int i = 0; i < 2 * sackCount; i++) {
                Wire.put32(buf, at, sack[i]);
                at += 4;
            }
        }
        return at - start;
    }

    private int put(int at, int a, int b) {
        Wire.put8(buf, at, a);
        Wire.put8(buf, at + 1, b);
        return at + 2;
    }

    private void clearOptions() {
        mss = 0;
        windowScale = -1;
        sackPermitted = false;
        timestamp = false;
        sackCount = 0;
    }
}
