package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A TCP header (RFC 9293 §3.1) with at most the MSS option (RFC 9293 §3.2), the one option a
 * minimal stack must send. See {@link Tcp} for the layout.
 *
 * @param sourcePort      source port
 * @param destinationPort destination port
 * @param sequence        sequence number (32 bits)
 * @param acknowledgment  acknowledgment number (32 bits)
 * @param flags           {@link Tcp#SYN} etc.
 * @param window          window (unscaled field value)
 * @param urgentPointer   urgent pointer
 * @param mss             maximum segment size to announce, or 0 for no option
 */
public record TcpHeader(int sourcePort, int destinationPort, long sequence, long acknowledgment, int flags,
                        int window, int urgentPointer, int mss) {
    static final int OPT_END = 0;
    static final int OPT_NOP = 1;
    static final int OPT_MSS = 2;
    static final int OPT_MSS_LENGTH = 4;

    /** The header of {@code view} (MSS kept, other options dropped), or {@code null} if malformed. */
    public static TcpHeader parse(Tcp view) {
        if (view == null || view.problem() != null) {
            return null;
        }
        return new TcpHeader(view.sourcePort(), view.destinationPort(), view.sequence(), view.acknowledgment(),
                view.flags(), view.window(), view.urgentPointer(), findMss(view));
    }

    private static int findMss(Tcp view) {
        MemorySegment seg = view.segment();
        long at = view.optionsOffset();
        long end = at + view.optionsLength();
        while (at < end) {
            int kind = BigEndian.u8(seg, at);
            if (kind == OPT_END) {
                break;
            }
            if (kind == OPT_NOP) {
                at++;
                continue;
            }
            if (at + 2 > end) {
                break;
            }
            int optLen = BigEndian.u8(seg, at + 1);
            if (optLen < 2 || at + optLen > end) {
                break;
            }
            if (kind == OPT_MSS && optLen == OPT_MSS_LENGTH) {
                return BigEndian.u16(seg, at + 2);
            }
            at += optLen;
        }
        return 0;
    }

    /** Bytes {@link #emitTo} writes: 20, or 24 with the MSS option. */
    public int length() {
        return Tcp.MIN_HEADER_LENGTH + (mss != 0 ? OPT_MSS_LENGTH : 0);
    }

    /**
     * Writes the header at {@code off} with the checksum over it and the {@code payloadLength}
     * bytes the caller already placed after it. Returns the bytes written.
     */
    public int emitTo(MemorySegment seg, long off, IpHeader ip, int payloadLength) {
        int hl = length();
        BigEndian.put16(seg, off + Tcp.SRC_PORT, sourcePort);
        BigEndian.put16(seg, off + Tcp.DST_PORT, destinationPort);
        BigEndian.put32(seg, off + Tcp.SEQ, sequence);
        BigEndian.put32(seg, off + Tcp.ACK, acknowledgment);
        BigEndian.put8(seg, off + Tcp.OFFSET_FLAGS, (hl / 4) << 4);
        BigEndian.put8(seg, off + Tcp.OFFSET_FLAGS + 1, flags);
        BigEndian.put16(seg, off + Tcp.WINDOW, window);
        BigEndian.put16(seg, off + Tcp.CHECKSUM, 0);
        BigEndian.put16(seg, off + Tcp.URGENT, urgentPointer);
        if (mss != 0) {
            BigEndian.put8(seg, off + Tcp.MIN_HEADER_LENGTH, OPT_MSS);
            BigEndian.put8(seg, off + Tcp.MIN_HEADER_LENGTH + 1, OPT_MSS_LENGTH);
            BigEndian.put16(seg, off + Tcp.MIN_HEADER_LENGTH + 2, mss);
        }
        long total = (long) hl + payloadLength;
        BigEndian.put16(seg, off + Tcp.CHECKSUM,
                Checksum.finish(ip.pseudoHeaderSum(IpPacket.PROTO_TCP, total) + Checksum.sum(seg, off, total)));
        return hl;
    }
}
