package org.tapline.stack.ip6;

/**
 * The token bucket that limits the ICMPv6 errors we send (RFC 4443 §2.4 (f)): Linux's
 * icmp_msgs_per_sec 1000 and icmp_msgs_burst 50. Pure: time is passed in.
 */
final class ErrorRateLimit {
    static final int PER_SECOND = 1000;
    static final int BURST = 50;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L / PER_SECOND;

    private long tokens = BURST;
    private long last;
    private boolean started;

    /** Takes a token if there is one. */
    boolean allow(long now) {
        if (!started) {
            started = true;
            last = now;
        }
        long earned = (now - last) / NANOS_PER_TOKEN;
        if (earned > 0) {
            tokens = Math.min(BURST, tokens + earned);
            last += earned * NANOS_PER_TOKEN;
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
