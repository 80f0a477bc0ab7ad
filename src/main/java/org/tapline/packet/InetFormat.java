package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Text forms of link and internet addresses, as tcpdump prints them.
 *
 * <p>IPv6 follows RFC 5952 §4: lower-case hex, leading zeros dropped, the longest run of two or
 * more zero groups (the first on a tie) replaced by {@code ::}, and RFC 5952 §5 mixed notation
 * for IPv4-mapped addresses ({@code ::ffff:192.0.2.1}) and, as tcpdump, for IPv4-compatible ones
 * ({@code ::192.0.2.1}). {@code Inet6Address.getHostAddress}
 * does not compress, hence this class.
 */
public final class InetFormat {
    private static final int IPV6_GROUPS = 8;
    private static final long IPV4_MAPPED_HI = 0L;
    private static final long IPV4_MAPPED_LO_MASK = 0xffff_ffff_0000_0000L;
    private static final long IPV4_MAPPED_LO_PREFIX = 0x0000_ffff_0000_0000L;
    private static final long IPV4_COMPATIBLE_HIGH_GROUP = 0xffff_0000L;

    private InetFormat() {}

    /** Dotted quad of a 32-bit IPv4 address, e.g. {@code 10.0.0.1}. */
    public static String ipv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /** Colon-separated lower-case MAC from the low 48 bits, e.g. {@code 02:00:00:00:00:01}. */
    public static String mac(long address) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int b = (int) (address >>> shift) & 0xff;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            if (shift > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /** RFC 5952 text of the 16 bytes at {@code off}; the caller guarantees they are present. */
    public static String ipv6(MemorySegment seg, long off) {
        return ipv6(BigEndian.s64(seg, off), BigEndian.s64(seg, off + 8));
    }

    /** RFC 5952 text of the IPv6 address whose high and low 64 bits are given. */
    public static String ipv6(long hi, long lo) {
        if (hi == IPV4_MAPPED_HI && (lo & IPV4_MAPPED_LO_MASK) == IPV4_MAPPED_LO_PREFIX) {
            return "::ffff:" + ipv4((int) lo);
        }
        if (hi == 0 && (lo & IPV4_MAPPED_LO_MASK) == 0 && (lo & IPV4_COMPATIBLE_HIGH_GROUP) != 0) {
            // RFC 4291 §2.5.5.1 "IPv4-compatible" form, which tcpdump's (BIND's) inet_ntop still
            // writes when exactly the first six groups are zero: ::192.0.2.1, but ::1 and ::2:0.
            return "::" + ipv4((int) lo);
        }
        int[] groups = new int[IPV6_GROUPS];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952 §4.2: compress the longest run of >= 2 zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < IPV6_GROUPS; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < IPV6_GROUPS && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
