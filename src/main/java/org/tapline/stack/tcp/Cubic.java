package org.tapline.stack.tcp;

/**
 * CUBIC congestion control (RFC 9438) with HyStart++ (RFC 9406) in the first slow start.
 * Sizes in bytes, time in nanoseconds passed in; no clock of its own, no allocation.
 *
 * <h2>How a connection plugs it in</h2>
 * <ul>
 * <li>When the MSS is known (SYN-ACK sent or received): {@link #init(int, long)}; the first
 *     window is IW10 (RFC 6928).</li>
 * <li>Each ACK that acknowledges new data <em>outside</em> recovery:
 *     {@link #onAck(long, long, long, long)} with the bytes newly acknowledged, the bytes that
 *     were outstanding before it, and the RTT sample it gave (Karn's rule: -1 for a
 *     retransmitted segment). ACKs inside recovery are not passed: the connection clocks out
 *     data by its own rule (RFC 6675 pipe, RFC 6582 partial ACKs).</li>
 * <li>Loss found by three duplicate ACKs or by the SACK scoreboard:
 *     {@link #onEnterRecovery(long, long)} once per recovery episode, then
 *     {@link #onExitRecovery(long)} when the recovery point is acknowledged.</li>
 * <li>The retransmission timer fires: {@link #onTimeout(long, long)} (each time; a repeated
 *     timeout of the same data keeps ssthresh, RFC 5681 §3.1 implementation note).</li>
 * <li>Before sending after the connection was idle longer than one RTO:
 *     {@link #onIdleRestart(long)}.</li>
 * </ul>
 * The window is not grown by ACKs while the sender used less than half of it (RFC 7661's
 * application-limited case, as Linux's {@code tcp_is_cwnd_limited} does in slow start).
 */
public final class Cubic implements CongestionControl {
    /** RFC 9438 §5.1: the aggressiveness constant, in segments per second cubed. */
    public static final double C = 0.4;
    /** RFC 9438 §4.6: the multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** RFC 9438 §4.3: alpha_cubic, Reno-friendly additive increase with BETA. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    /** RFC 9406 §4.3 constants. */
    static final long MIN_RTT_THRESH = 4_000_000;
    static final long MAX_RTT_THRESH = 16_000_000;
    static final int MIN_RTT_DIVISOR = 8;
    static final int N_RTT_SAMPLE = 8;
    static final int CSS_GROWTH_DIVISOR = 4;
    static final int CSS_ROUNDS = 5;
    /** RFC 9406 §4.3: L, the slow start increase limit per ACK in segments, for a sender that does not pace. */
    static final int SS_LIMIT_SEGMENTS = 8;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NO_RTT = Long.MAX_VALUE;

    private final boolean hystart;
    private int mss = 536;
    private long initialWindow;
    /** Bytes, fractional so that per-ACK growth of less than a byte is kept. */
    private double cwnd;
    private long ssthresh = Long.MAX_VALUE;
    /** Smoothed RTT (RFC 6298 gain 1/8) for W_cubic(t + RTT), or NO_RTT. */
    private long srtt = NO_RTT;

    // RFC 9438 §4: the state of the current congestion avoidance epoch, in segments and seconds.
    private double wMax;
    private double k;
    private double wEst;
    private double cwndPrior;
    private boolean inEpoch;
    private long epochStart;
    /** Set by a timeout, cleared by the next new ACK: a repeated timeout keeps ssthresh. */
    private boolean inLoss;

    // RFC 9406 HyStart++: rounds are counted in bytes (see roundRemaining), RTTs in nanoseconds.
    private boolean css;
    private int cssRounds;
    private long lastRoundMinRtt = NO_RTT;
    private long currentRoundMinRtt = NO_RTT;
    private long cssBaselineMinRtt = NO_RTT;
    private int rttSampleCount;
    /**
     * Bytes still to be acknowledged before the round ends. A round is RFC 9406's "windowEnd":
     * the data outstanding when it began; without sequence numbers here, the bytes outstanding
     * after the ACK that began it stand for SND.NXT - SND.UNA at that moment.
     */
    private long roundRemaining;

    /** CUBIC with HyStart++. */
    public Cubic() {
        this(true);
    }

    /** @param hystart whether the first slow start ends early on a rising RTT (RFC 9406) */
    public Cubic(boolean hystart) {
        this.hystart = hystart;
    }

    @Override
    public void init(int mss, long now) {
        this.mss = mss;
        // RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
        initialWindow = Math.min(10L * mss, Math.max(2L * mss, 14_600));
        cwnd = initialWindow;
        ssthresh = Long.MAX_VALUE;
        wMax = 0;
        inEpoch = false;
        inLoss = false;
        css = false;
        lastRoundMinRtt = NO_RTT;
        startRound(0);
    }

    @Override
    public long cwnd() {
        return (long) cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    /** W_max of the current epoch in bytes (RFC 9438 §4.2), 0 before the first congestion event. */
    public long wMax() {
        return (long) (wMax * mss);
    }

    /** K of the current epoch in nanoseconds: when W_cubic reaches W_max again. */
    public long kNanos() {
        return (long) (k * NANOS_PER_SECOND);
    }

    /** Whether HyStart++ has the sender in conservative slow start (RFC 9406 §4.2). */
    public boolean inConservativeSlowStart() {
        return css;
    }

    @Override
    public void onAck(long acked, long flight, long rttNanos, long now) {
        inLoss = false;
        if (rttNanos >= 0) {
            srtt = srtt == NO_RTT ? rttNanos : srtt + (rttNanos - srtt) / 8;
        }
        boolean limited = 2 * flight >= (long) cwnd;
        if (cwnd < ssthresh) {
            slowStart(acked, flight, rttNanos, limited);
        } else if (limited) {
            congestionAvoidance(acked, now);
        }
    }

    private void slowStart(long acked, long flight, long rttNanos, boolean limited) {
        boolean useHystart = hystart && ssthresh == Long.MAX_VALUE; // RFC 9406 §4.2: the first slow start only
        if (useHystart && rttNanos >= 0) {
            currentRoundMinRtt = Math.min(currentRoundMinRtt, rttNanos);
            rttSampleCount++;
        }
        if (limited) {
            long increase = Math.min(acked, (long) SS_LIMIT_SEGMENTS * mss); // RFC 3465 ABC, L from RFC 9406
            if (css) {
                increase /= CSS_GROWTH_DIVISOR;
            }
            cwnd = Math.min(cwnd + increase, ssthresh == Long.MAX_VALUE ? Double.MAX_VALUE : (double) ssthresh);
        }
        if (!useHystart) {
            return;
        }
        // RFC 9406 §4.2: compare this round's minimum RTT with the last one's.
        if (!css && rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRtt != NO_RTT && lastRoundMinRtt != NO_RTT) {
            long thresh = Math.clamp(lastRoundMinRtt / MIN_RTT_DIVISOR, MIN_RTT_THRESH, MAX_RTT_THRESH);
            if (currentRoundMinRtt >= lastRoundMinRtt + thresh) {
                cssBaselineMinRtt = currentRoundMinRtt;
                css = true;
                cssRounds = 0;
            }
        } else if (css && rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRtt < cssBaselineMinRtt) {
            css = false; // the RTT rise was spurious: back to slow start
        }
        roundRemaining -= acked;
        if (roundRemaining <= 0) {
            if (css && ++cssRounds >= CSS_ROUNDS) {
                ssthresh = (long) cwnd; // RFC 9406 §4.2: leave slow start for congestion avoidance
                css = false;
            }
            startRound(flight - acked);
        }
    }

    private void startRound(long outstanding) {
        lastRoundMinRtt = currentRoundMinRtt;
        currentRoundMinRtt = NO_RTT;
        rttSampleCount = 0;
        roundRemaining = Math.max(outstanding, mss);
    }

    private void congestionAvoidance(long acked, long now) {
        double w = cwnd / mss;
        if (!inEpoch) {
            startEpoch(w, now);
        }
        // RFC 9438 §4.3: W_est grows by alpha_cubic per window acknowledged; alpha becomes 1
        // once W_est passes the window before the last reduction.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
        wEst += alpha * ((double) acked / mss) / w;
        double t = (double) (now - epochStart) / NANOS_PER_SECOND;
        if (wCubic(t) < wEst) {
            cwnd = Math.max(cwnd, wEst * mss); // Reno-friendly region
            return;
        }
        // RFC 9438 §4.4-4.5: aim at W_cubic one RTT ahead, between cwnd and 1.5 cwnd.
        double rtt = srtt == NO_RTT ? 0 : (double) srtt / NANOS_PER_SECOND;
        double target = Math.clamp(wCubic(t + rtt), w, 1.5 * w);
        cwnd += (target - w) / w * acked;
    }

    /** RFC 9438 eq. 1: W_cubic(t) = C*(t-K)^3 + W_max, in segments, t in seconds. */
    private double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    /** RFC 9438 §4.2: a new epoch starts with the first ACK of congestion avoidance. */
    private void startEpoch(double w, long now) {
        inEpoch = true;
        epochStart = now;
        if (wMax <= w) {
            // §4.10: no reduction before (HyStart++ ended slow start) or the window already passed W_max.
            wMax = w;
            cwndPrior = w;
            k = 0;
        } else {
            k = Math.cbrt((wMax - w) / C);
        }
        wEst = w;
    }

    @Override
    public void onEnterRecovery(long flight, long now) {
        reduce();
        cwnd = ssthresh;
    }

    /** RFC 9438 §4.6-4.7: ssthresh = cwnd * beta, W_max with fast convergence; a new epoch follows. */
    private void reduce() {
        double w = cwnd / mss;
        cwndPrior = w;
        // §4.7 fast convergence: a window that did not reach the last W_max releases bandwidth.
        wMax = w < wMax ? w * (1 + BETA) / 2 : w;
        ssthresh = Math.max((long) (cwnd * BETA), 2L * mss);
        k = Math.cbrt(Math.max(0, wMax - (double) ssthresh / mss) / C); // eq. 2 with cwnd_epoch = ssthresh
        inEpoch = false;
        css = false;
    }

    @Override
    public void onExitRecovery(long now) {
        cwnd = ssthresh;
        inEpoch = false;
    }

    @Override
    public void onTimeout(long flight, long now) {
        // RFC 9438 §4.8: ssthresh as for a loss, cwnd the loss window of RFC 5681 §3.1; a
        // timeout of data already retransmitted by the timer keeps ssthresh (same section's note).
        if (!inLoss) {
            reduce();
        }
        inLoss = true;
        inEpoch = false;
        cwnd = mss;
    }

    @Override
    public void onIdleRestart(long now) {
        // RFC 5681 §4.1: RW = min(IW, cwnd); the CUBIC epoch restarts with the next ACK.
        cwnd = Math.min(cwnd, initialWindow);
        inEpoch = false;
    }

    @Override
    public String toString() {
        return "cubic wmax:" + wMax() + " cwnd:" + cwnd() + " ssthresh:" + ssthresh;
    }
}
