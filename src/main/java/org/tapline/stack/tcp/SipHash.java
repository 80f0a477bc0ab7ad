package org.tapline.stack.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012) of six 64-bit words, the keyed hash behind ISNs
 * and SYN cookies, written from the paper's description. Used once per opened connection.
 */
final class SipHash {
    private SipHash() {}

    static long hash(long k0, long k1, long m0, long m1, long m2, long m3, long m4, long m5) {
        long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL,
            k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L};
        // The final word carries the message length in bytes in its top byte (48 bytes).
        for (long m : new long[] {m0, m1, m2, m3, m4, m5, 48L << 56}) {
            v[3] ^= m;
            round(v);
            round(v);
            v[0] ^= m;
        }
        v[2] ^= 0xff;
        for (int r = 0; r < 4; r++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
