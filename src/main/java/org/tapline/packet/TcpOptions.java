package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The TCP options list {@code ", options [...]"} as tcpdump 4.99's print-tcp.c prints it
 * (RFC 9293 §3.2, RFC 7323, RFC 2018, RFC 2385, RFC 5925, RFC 7413), including how it ends when
 * an option is malformed ({@code [bad opt]}) or cut by the snapshot length.
 */
final class TcpOptions {
    /** Option kinds and their names in tcpdump's list (RFC 9293, RFC 7323, RFC 2018, ...). */
    static final int MSS = 2;
    static final int WSCALE = 3;
    static final int SACK_OK = 4;
    static final int SACK = 5;
    static final int ECHO = 6;
    static final int ECHO_REPLY = 7;
    static final int TIMESTAMP = 8;
    static final int CC = 11;
    static final int CC_NEW = 12;
    static final int CC_ECHO = 13;
    static final int SIGNATURE = 19;
    static final int SCPS = 20;
    static final int UTO = 28;
    static final int TCP_AO = 29;
    static final int MPTCP = 30;
    static final int FASTOPEN = 34;
    static final int EXPERIMENT2 = 254;
    static final int SIGNATURE_LENGTH = 16;
    static final int SACK_BLOCK = 8;
    static final int FASTOPEN_MAGIC = 0xf989;

    private TcpOptions() {}

    /**
     * The options list {@code ", options [...]"}; false when it ended the line early (a bad
     * option or one cut short), as tcpdump's {@code bad:} and {@code trunc:} labels do.
     */
    static boolean print(PrintContext ctx, MemorySegment seg, long start, int optionBytes,
                         TcpSequences.Relative rel, boolean payloadCaptured) {
        ctx.print(", options [");
        long cp = start;
        int left = optionBytes;
        boolean separator = false;
        while (left > 0) {
            if (separator) {
                ctx.print(",");
            }
            int kind = PrintContext.u8(seg, cp++);
            int len;
            if (kind == TcpFlagsText.OPT_EOL || kind == TcpFlagsText.OPT_NOP) {
                len = 1;
            } else {
                len = PrintContext.u8(seg, cp++);
                if (len < 2 || len > left) {
                    return bad(ctx, separator);
                }
                left--;
            }
            left--;
            ctx.print(optionName(kind));
            int dataLen = optionData(ctx, seg, cp, kind, len, left, rel, payloadCaptured);
            if (dataLen == BAD) {
                return bad(ctx, separator);
            }
            if (dataLen == CUT) {
                ctx.trunc();
                if (separator) {
                    ctx.print(">");
                }
                return false;
            }
            cp += dataLen;
            left -= dataLen;
            // The option's kind, its length byte (absent for EOL and NOP) and the data printed.
            int seen = dataLen + (len == 1 ? 1 : 2);
            if (seen != len) {
                ctx.print("[len ").print(len).print("]");
            }
            separator = true;
            if (kind == TcpFlagsText.OPT_EOL) {
                break;
            }
        }
        ctx.print("]");
        return true;
    }

    private static final int BAD = -1;
    private static final int CUT = -2;

    /** Prints one option's data; its length, or {@link #BAD} or {@link #CUT}. */
    private static int optionData(PrintContext ctx, MemorySegment seg, long cp, int kind, int len, int left,
                                  TcpSequences.Relative rel, boolean payloadCaptured) {
        switch (kind) {
            case MSS -> {
                int c = check(seg, cp, 2, left);
                if (c < 0) {
                    return c;
                }
                ctx.print(" ").print(BigEndian.u16(seg, cp));
                return 2;
            }
            case WSCALE -> {
                int c = check(seg, cp, 1, left);
                if (c < 0) {
                    return c;
                }
                ctx.print(" ").print(BigEndian.u8(seg, cp));
                return 1;
            }
            case SACK -> {
                int dataLen = len - 2;
                if (dataLen % SACK_BLOCK != 0) {
                    ctx.print(" invalid sack");
                    return dataLen;
                }
                ctx.print(" ").print(dataLen / SACK_BLOCK).print(" ");
                for (int i = 0; i < dataLen; i += SACK_BLOCK) {
                    int c = check(seg, cp, i + SACK_BLOCK, left);
                    if (c < 0) {
                        return c;
                    }
                    long s = BigEndian.u32(seg, cp + i);
                    long e = BigEndian.u32(seg, cp + i + 4);
                    long base = rel == null ? 0 : rel.reverse() ? rel.baseSeq() : rel.baseAck();
                    ctx.print("{").print((s - base) & 0xffff_ffffL).print(":").print((e - base) & 0xffff_ffffL).print("}");
                }
                return dataLen;
            }
            case CC, CC_NEW, CC_ECHO, ECHO, ECHO_REPLY -> {
                int c = check(seg, cp, 4, left);
                if (c < 0) {
                    return c;
                }
                ctx.print(" ").print(BigEndian.u32(seg, cp));
                return 4;
            }
            case TIMESTAMP -> {
                int c = check(seg, cp, 8, left);
                if (c < 0) {
                    return c;
                }
                ctx.print(" val ").print(BigEndian.u32(seg, cp)).print(" ecr ").print(BigEndian.u32(seg, cp + 4));
                return 8;
            }
            case TcpFlagsText.OPT_EOL, TcpFlagsText.OPT_NOP, SACK_OK -> {
                return 0;
            }
            case UTO -> {
                int c = check(seg, cp, 2, left);
                if (c < 0) {
                    return c;
                }
                int v = BigEndian.u16(seg, cp);
                ctx.print(" 0x").print(Integer.toHexString(v)).print(" ").print((v & 1) != 0 ? (v >>> 1) * 60 : v >>> 1);
                return 2;
            }
            case SCPS -> {
                int c = check(seg, cp, 2, left);
                if (c < 0) {
                    return c;
                }
                ctx.print(" cap ");
                hexBytes(ctx, seg, cp, 1);
                ctx.print(" id ").print(BigEndian.u8(seg, cp + 1));
                return 2;
            }
            case TCP_AO -> {
                return authentication(ctx, seg, cp, len - 2, left);
            }
            case FASTOPEN, EXPERIMENT2 -> {
                return fastOpen(ctx, seg, cp, kind, len - 2, left);
            }
            case SIGNATURE -> {
                int c = check(seg, cp, SIGNATURE_LENGTH, left);
                if (c < 0) {
                    return c;
                }
                // tapline takes no shared secret (tcpdump's -M): a signature is never verified.
                ctx.print(payloadCaptured ? " shared secret not supplied with -M, can't check - "
                        : " snaplen too short, can't check - ");
                hexBytes(ctx, seg, cp, SIGNATURE_LENGTH);
                return SIGNATURE_LENGTH;
            }
            default -> {
                int dataLen = len - 2;
                if (dataLen > 0) {
                    ctx.print(" 0x");
                }
                for (int i = 0; i < dataLen; i++) {
                    int c = check(seg, cp, i + 1, left);
                    if (c < 0) {
                        return c;
                    }
                    hexBytes(ctx, seg, cp + i, 1);
                }
                return dataLen;
            }
        }
    }

    /** RFC 5925 §2.2 TCP-AO: key ids and the MAC. */
    private static int authentication(PrintContext ctx, MemorySegment seg, long cp, int dataLen, int left) {
        if (dataLen < 2) {
            ctx.print(" (invalid)");
            return dataLen;
        }
        for (int i = 0; i < dataLen; i++) {
            int c = check(seg, cp, i + 1, left);
            if (c < 0) {
                return c;
            }
            if (i == 0) {
                ctx.print(" keyid ").print(BigEndian.u8(seg, cp));
            } else if (i == 1) {
                ctx.print(" rnextkeyid ").print(BigEndian.u8(seg, cp + 1));
            } else {
                ctx.print(i == 2 ? " mac 0x" : "");
                hexBytes(ctx, seg, cp + i, 1);
            }
        }
        return dataLen;
    }

    /** RFC 7413 §4.1.1 Fast Open cookie, also as RFC 6994 experimental option 254 with magic 0xf989. */
    private static int fastOpen(PrintContext ctx, MemorySegment seg, long cp, int kind, int dataLen, int left) {
        int c = check(seg, cp, dataLen, left);
        if (c < 0) {
            return c;
        }
        long cookie = cp;
        int cookieLen = dataLen;
        if (kind == EXPERIMENT2) {
            if (dataLen < 2) {
                return BAD;
            }
            int magic = BigEndian.u16(seg, cp);
            ctx.print("-");
            if (magic != FASTOPEN_MAGIC) {
                ctx.print(PrintContext.hex4(magic));
                return dataLen;
            }
            ctx.print("tfo");
            cookie += 2;
            cookieLen -= 2;
        } else {
            ctx.print(" ");
        }
        if (cookieLen == 0) {
            ctx.print(" cookiereq");
        } else if (cookieLen % 2 != 0 || cookieLen < 4 || cookieLen > 16) {
            ctx.print(" (invalid)");
        } else {
            ctx.print(" cookie ");
            hexBytes(ctx, seg, cookie, cookieLen);
        }
        return dataLen;
    }

    /** tcpdump's LENCHECK: more than the header holds is bad, more than was captured is cut. */
    private static int check(MemorySegment seg, long cp, int n, int left) {
        if (n > left) {
            return BAD;
        }
        return PrintContext.has(seg, cp, n) ? 0 : CUT;
    }

    private static boolean bad(PrintContext ctx, boolean separator) {
        ctx.print("[bad opt]");
        if (separator) {
            ctx.print("]");
        }
        return false;
    }

    private static void hexBytes(PrintContext ctx, MemorySegment seg, long at, int n) {
        for (int i = 0; i < n; i++) {
            String h = Integer.toHexString(BigEndian.u8(seg, at + i));
            ctx.print(h.length() == 1 ? "0" + h : h);
        }
    }

    static String optionName(int kind) {
        return switch (kind) {
            case TcpFlagsText.OPT_EOL -> "eol";
            case TcpFlagsText.OPT_NOP -> "nop";
            case MSS -> "mss";
            case WSCALE -> "wscale";
            case SACK_OK -> "sackOK";
            case SACK -> "sack";
            case ECHO -> "echo";
            case ECHO_REPLY -> "echoreply";
            case TIMESTAMP -> "TS";
            case CC -> "cc";
            case CC_NEW -> "ccnew";
            case CC_ECHO -> "";
            case SIGNATURE -> "md5";
            case SCPS -> "scps";
            case UTO -> "uto";
            case TCP_AO -> "tcp-ao";
            case MPTCP -> "mptcp";
            case FASTOPEN -> "tfo";
            case EXPERIMENT2 -> "exp";
            default -> "unknown-" + kind;
        };
    }
}
