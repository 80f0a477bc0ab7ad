package org.tapline.stack.tcp;

/**
 * Reno congestion control (RFC 5681) with the NewReno recovery window (RFC 6582): slow start
 * below ssthresh grows cwnd by the bytes acknowledged, at most one SMSS per ACK (§3.1); above
 * it, one SMSS per cwnd of bytes acknowledged (appropriate byte counting, RFC 3465 §2.1).
 * Entering recovery sets ssthresh = max(FlightSize/2, 2 SMSS) and cwnd = ssthresh + 3 SMSS
 * (RFC 6582 §3.2 step 2); the inflation by duplicate ACKs during recovery is the connection's.
 */
public final class NewReno implements CongestionControl {
    private long mss = 536;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long bytesAcked;
    private long initialWindow;

    @Override
    public void init(int mss, long now) {
        this.mss = mss;
        // RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
        initialWindow = Math.min(10L * mss, Math.max(2L * mss, 14600));
        cwnd = initialWindow;
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(long acked, long flight, long rttNanos, long now) {
        if (cwnd < ssthresh) {
            cwnd += Math.min(acked, mss);
            return;
        }
        bytesAcked += acked;
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd += mss;
        }
    }

    @Override
    public void onEnterRecovery(long flight, long now) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = ssthresh + 3 * mss;
        bytesAcked = 0;
    }

    @Override
    public void onExitRecovery(long now) {
        cwnd = ssthresh;
    }

    @Override
    public void onTimeout(long flight, long now) {
        // RFC 5681 §3.1 eq. (4) and the loss window of one segment.
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = mss;
        bytesAcked = 0;
    }

    @Override
    public void onIdleRestart(long now) {
        cwnd = Math.min(cwnd, initialWindow);
    }
}
