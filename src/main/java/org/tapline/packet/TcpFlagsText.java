package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/** TCP flags and options (RFC 9293 §3.1-3.2, RFC 7323, RFC 2018) as tcpdump's print-tcp.c prints them. */
final class TcpFlagsText {
    static final int OPT_EOL = 0;
    static final int OPT_NOP = 1;
    static final int OPT_MSS = 2;
    static final int OPT_WSCALE = 3;
    static final int OPT_SACK_OK = 4;
    static final int OPT_SACK = 5;
    static final int OPT_TIMESTAMP = 8;
    static final int MSS_LENGTH = 4;
    static final int WSCALE_LENGTH = 3;
    static final int SACK_OK_LENGTH = 2;
    static final int TIMESTAMP_LENGTH = 10;
    static final int SACK_BLOCK = 8;
    static final int OPT_HEADER = 2;

    /** tcpdump's order: FIN SYN RST PSH ACK URG ECE CWR. */
    private static final int[] FLAG_BITS = {Tcp.FIN, Tcp.SYN, Tcp.RST, Tcp.PSH, Tcp.ACK_FLAG, Tcp.URG, Tcp.ECE, Tcp.CWR};
    private static final char[] FLAG_CHARS = {'F', 'S', 'R', 'P', '.', 'U', 'E', 'W'};

    private TcpFlagsText() {}

    /** e.g. {@code S.} for SYN+ACK, {@code none} for no flags. */
    static String of(int flags) {
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & FLAG_BITS[i]) != 0) {
                sb.append(FLAG_CHARS[i]);
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /** Appends e.g. {@code mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 10}; stops at a bad length. */
    static void options(StringBuilder sb, MemorySegment seg, long off, int len) {
        long at = off;
        long end = off + len;
        boolean first = true;
        while (at < end) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            int kind = BigEndian.u8(seg, at);
            if (kind == OPT_EOL) {
                sb.append("eol");
                return;
            }
            if (kind == OPT_NOP) {
                sb.append("nop");
                at++;
                continue;
            }
            int optLen = at + 1 < end ? BigEndian.u8(seg, at + 1) : 0;
            if (optLen < OPT_HEADER || at + optLen > end) {
                sb.append("bad opt");
                return;
            }
            option(sb, seg, at, kind, optLen);
            at += optLen;
        }
    }

    private static void option(StringBuilder sb, MemorySegment seg, long at, int kind, int optLen) {
        long data = at + OPT_HEADER;
        if (kind == OPT_MSS && optLen == MSS_LENGTH) {
            sb.append("mss ").append(BigEndian.u16(seg, data));
        } else if (kind == OPT_WSCALE && optLen == WSCALE_LENGTH) {
            sb.append("wscale ").append(BigEndian.u8(seg, data));
        } else if (kind == OPT_SACK_OK && optLen == SACK_OK_LENGTH) {
            sb.append("sackOK");
        } else if (kind == OPT_TIMESTAMP && optLen == TIMESTAMP_LENGTH) {
            sb.append("TS val ").append(BigEndian.u32(seg, data)).append(" ecr ").append(BigEndian.u32(seg, data + 4));
        } else if (kind == OPT_SACK && (optLen - OPT_HEADER) % SACK_BLOCK == 0) {
            int blocks = (optLen - OPT_HEADER) / SACK_BLOCK;
            sb.append("sack ").append(blocks);
            for (int i = 0; i < blocks; i++) {
                long b = data + (long) i * SACK_BLOCK;
                sb.append(" {").append(BigEndian.u32(seg, b)).append(':').append(BigEndian.u32(seg, b + 4)).append('}');
            }
        } else {
            sb.append("unknown-").append(kind);
        }
    }
}
