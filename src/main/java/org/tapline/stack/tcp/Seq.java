package org.tapline.stack.tcp;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): numbers are kept in a {@code long}
 * holding an unsigned 32-bit value, and compared through their signed 32-bit difference, which
 * is right as long as the two are less than 2^31 apart (the windows make sure of that).
 */
final class Seq {
    static final long MASK = 0xffff_ffffL;

    private Seq() {}

    /** {@code a + n} modulo 2^32. */
    static long add(long a, long n) {
        return (a + n) & MASK;
    }

    /** The signed distance {@code a - b}, in [-2^31, 2^31). */
    static int diff(long a, long b) {
        return (int) (a - b);
    }

    static boolean lt(long a, long b) {
        return diff(a, b) < 0;
    }

    static boolean le(long a, long b) {
        return diff(a, b) <= 0;
    }

    static boolean gt(long a, long b) {
        return diff(a, b) > 0;
    }

    static boolean ge(long a, long b) {
        return diff(a, b) >= 0;
    }

    /** {@code lo <= x < hi}. */
    static boolean inRange(long x, long lo, long hi) {
        return le(lo, x) && lt(x, hi);
    }

    static long max(long a, long b) {
        return gt(a, b) ? a : b;
    }

    static long min(long a, long b) {
        return lt(a, b) ? a : b;
    }
}
