package org.tapline.stack.tcp;

/**
 * The retransmission timeout of RFC 6298, in nanoseconds. The first sample R sets SRTT = R and
 * RTTVAR = R/2 (§2.2); later ones RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R| and then
 * SRTT = 7/8 SRTT + 1/8 R (§2.3, in that order: RTTVAR uses the old SRTT). RTO = SRTT +
 * max(G, 4 RTTVAR) bounded to [200 ms, 120 s] as Linux (TCP_RTO_MIN, TCP_RTO_MAX; RFC 6298
 * §2.4 allows a lower minimum than 1 s). Before any sample the RTO is 1 s (§2.1). Each expiry
 * doubles it (§5.5) until a new sample is taken; samples come only from segments never
 * retransmitted (Karn's rule, §3), which the connection sees to.
 */
public final class RttEstimator {
    public static final long MIN_RTO = 200_000_000L;
    public static final long MAX_RTO = 120_000_000_000L;
    public static final long INITIAL_RTO = 1_000_000_000L;
    /** Clock granularity G: the stack's loop runs timers at most 10 ms late. */
    static final long GRANULARITY = 10_000_000L;

    private long srtt = -1;
    private long rttvar;
    private long rto = INITIAL_RTO;
    private int backoffs;

    /** Takes one RTT measurement. */
    public void sample(long r) {
        long rtt = Math.max(r, 1);
        if (srtt < 0) {
            srtt = rtt;
            rttvar = rtt / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        backoffs = 0;
        rto = bound(srtt + Math.max(GRANULARITY, 4 * rttvar));
    }

    /** The timer expired: RTO = RTO * 2 (§5.5), at most 120 s. */
    public void backoff() {
        backoffs++;
        rto = bound(rto * 2);
    }

    public long rto() {
        return rto;
    }

    /** Smoothed RTT, or -1 before the first sample. */
    public long srtt() {
        return srtt;
    }

    public long rttvar() {
        return rttvar;
    }

    /** Expiries since the last sample. */
    public int backoffs() {
        return backoffs;
    }

    private static long bound(long v) {
        return Math.min(MAX_RTO, Math.max(MIN_RTO, v));
    }
}
