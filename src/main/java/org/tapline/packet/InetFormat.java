package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/** Text forms of addresses: dotted IPv4, RFC 5952 IPv6 (longest zero run compressed), colon MAC. */
public final class InetFormat {
    private InetFormat() {}

    public static String ipv4(MemorySegment s, long off) {
        return Bytes.u8(s, off) + "." + Bytes.u8(s, off + 1) + "." + Bytes.u8(s, off + 2) + "." + Bytes.u8(s, off + 3);
    }

    public static String ipv6(MemorySegment s, long off) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = Bytes.u16(s, off + 2L * i);
        }
        return ipv6(g);
    }

    public static String ipv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        return ipv6(g);
    }

    /** RFC 5952 §4.2: compress the longest run of two or more zero groups, the first on a tie. */
    private static String ipv6(int[] g) {
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    public static String mac(MemorySegment s, long off) {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                b.append(':');
            }
            int v = Bytes.u8(s, off + i);
            b.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xf, 16));
        }
        return b.toString();
    }
}
