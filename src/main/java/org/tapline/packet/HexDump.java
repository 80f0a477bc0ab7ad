package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * The dumps of {@code -x}, {@code -X} and {@code -A} and the hex lines some printers add, laid
 * out as tcpdump's print-ascii.c: 16 bytes a line, {@code "\t0x0010:  4500 0054 ..."}, and for
 * {@code -X} the hex column padded to 40 characters, two spaces and the printable characters.
 */
final class HexDump {
    static final int BYTES_PER_LINE = 16;
    /** Width of the hex column of a full line: 8 groups of " xxxx". */
    static final int HEX_COLUMN = 40;
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private HexDump() {}

    /** Hex lines, each starting with {@code indent} (e.g. {@code "\n\t"}). */
    static void hex(StringBuilder sb, String indent, MemorySegment seg, long off, long len) {
        for (long line = 0; line < len; line += BYTES_PER_LINE) {
            sb.append(indent);
            offset(sb, line);
            sb.append(' ');
            hexColumn(sb, seg, off + line, Math.min(BYTES_PER_LINE, len - line));
        }
    }

    /** Hex and ASCII lines, each starting with {@code indent}. */
    static void hexAscii(StringBuilder sb, String indent, MemorySegment seg, long off, long len) {
        for (long line = 0; line < len; line += BYTES_PER_LINE) {
            long n = Math.min(BYTES_PER_LINE, len - line);
            sb.append(indent);
            offset(sb, line);
            sb.append(' ');
            int start = sb.length();
            hexColumn(sb, seg, off + line, n);
            sb.repeat(' ', Math.max(0, HEX_COLUMN - (sb.length() - start)));
            sb.append("  ");
            for (long i = 0; i < n; i++) {
                int b = BigEndian.u8(seg, off + line + i);
                sb.append(graphic(b) ? (char) b : '.');
            }
        }
    }

    /**
     * {@code -A}: a newline, then the bytes, printable ones and tab, space and newline as they
     * are, others as {@code '.'}; a carriage return before a newline (or one byte before the
     * end) is left out, as tcpdump's ascii_print does.
     */
    static void ascii(StringBuilder sb, MemorySegment seg, long off, long len) {
        sb.append('\n');
        for (long i = 0; i < len; i++) {
            int b = BigEndian.u8(seg, off + i);
            long left = len - i - 1;
            if (b == '\r') {
                if (left > 1 && BigEndian.u8(seg, off + i + 1) != '\n') {
                    sb.append('.');
                }
            } else if (graphic(b) || b == '\t' || b == ' ' || b == '\n') {
                sb.append((char) b);
            } else {
                sb.append('.');
            }
        }
    }

    private static void hexColumn(StringBuilder sb, MemorySegment seg, long off, long n) {
        for (long i = 0; i < n; i++) {
            if (i % 2 == 0) {
                sb.append(' ');
            }
            int b = BigEndian.u8(seg, off + i);
            sb.append(DIGITS[b >>> 4]).append(DIGITS[b & 0xf]);
        }
    }

    private static void offset(StringBuilder sb, long at) {
        sb.append("0x");
        String h = Long.toHexString(at);
        sb.repeat('0', Math.max(0, 4 - h.length())).append(h).append(':');
    }

    /** ASCII graphic characters, '!' to '~' (netdissect-ctype.h ND_ASCII_ISGRAPH). */
    static boolean graphic(int b) {
        return b > ' ' && b < 0x7f;
    }
}
