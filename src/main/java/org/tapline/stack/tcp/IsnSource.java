package org.tapline.stack.tcp;

import org.tapline.stack.ip.IpAddress;

/**
 * Initial sequence numbers (RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), M a 4 µs clock, F a keyed hash, here SipHash-2-4), the per-connection timestamp
 * offset (as Linux, so TSval reveals no uptime), and SYN cookies (RFC 4987 §3.6): the ISN of
 * a SYN-ACK sent without keeping state, which the final ACK brings back.
 */
final class IsnSource {
    /** MSS values a cookie can carry, by 3-bit index: the largest not above the peer's is used. */
    private static final int[] COOKIE_MSS = {536, 1200, 1300, 1400, 1440, 1460, 4312, 8960};
    /** The cookie clock: one tick per 64 s; a cookie is good for the current and last tick. */
    private static final long COOKIE_TICK = 64_000_000_000L;
    private static final int HASH_BITS = 0xff_ffff;

    private final long k0;
    private final long k1;

    IsnSource(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    long isn(IpAddress local, int localPort, IpAddress remote, int remotePort, long now) {
        long f = hash(local, localPort, remote, remotePort, 1);
        return Seq.add(f, now / 4000);
    }

    /** A random-looking offset added to our TSval clock, fixed per four-tuple. */
    long timestampOffset(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        return hash(local, localPort, remote, remotePort, 2) & Seq.MASK;
    }

    /** The cookie ISN for a SYN with sequence {@code peerIsn} and MSS option {@code peerMss}. */
    long cookie(IpAddress local, int localPort, IpAddress remote, int remotePort, long peerIsn, int peerMss, long now) {
        long tick = (now / COOKIE_TICK) & 31;
        int index = 0;
        for (int i = 0; i < COOKIE_MSS.length; i++) {
            if (COOKIE_MSS[i] <= peerMss) {
                index = i;
            }
        }
        long h = hash(local, localPort, remote, remotePort, peerIsn << 8 | tick) & HASH_BITS;
        return tick << 27 | (long) index << 24 | h;
    }

    /**
     * The MSS a returning cookie carries, or -1 if {@code ackNumber - 1} is not a cookie we made
     * for this four-tuple and {@code peerIsn} in the last two ticks.
     */
    int checkCookie(IpAddress local, int localPort, IpAddress remote, int remotePort, long peerIsn,
                    long ackNumber, long now) {
        long cookie = Seq.add(ackNumber, -1);
        long tick = cookie >>> 27;
        long age = ((now / COOKIE_TICK) - tick) & 31;
        if (age > 1) {
            return -1;
        }
        long h = hash(local, localPort, remote, remotePort, peerIsn << 8 | tick) & HASH_BITS;
        if (h != (cookie & HASH_BITS)) {
            return -1;
        }
        return COOKIE_MSS[(int) (cookie >>> 24) & 7];
    }

    private long hash(IpAddress local, int localPort, IpAddress remote, int remotePort, long extra) {
        return SipHash.hash(k0, k1, local.hi(), local.lo(), remote.hi(), remote.lo(),
                (long) localPort << 16 | remotePort, extra);
    }
}
