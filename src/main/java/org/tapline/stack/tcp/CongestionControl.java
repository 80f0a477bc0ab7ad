package org.tapline.stack.tcp;

/**
 * A sender's congestion window (RFC 5681): told what the connection sees, it keeps cwnd and
 * ssthresh. Loss detection and what to retransmit stay in the connection (RFC 6582 NewReno's
 * partial ACKs, RFC 6675's scoreboard); this only sizes the window. All sizes in bytes; one
 * instance per connection, used under the stack's lock; {@code now} in nanoseconds.
 */
public interface CongestionControl {
    /** The algorithms a socket can choose (`--cc`, a socket option). */
    enum Kind { NEWRENO, CUBIC }

    /** Sets the sender MSS and the initial window: IW10 (RFC 6928), min(10*MSS, max(2*MSS, 14600)). */
    void init(int mss, long now);

    /** The congestion window. */
    long cwnd();

    long ssthresh();

    /**
     * New data acknowledged outside recovery: {@code acked} bytes, {@code flight} bytes
     * outstanding before this ACK, {@code rttNanos} the latest RTT sample or -1.
     */
    void onAck(long acked, long flight, long rttNanos, long now);

    /** Loss detected by duplicate ACKs or SACK: enter fast recovery (ssthresh and cwnd cut once). */
    void onEnterRecovery(long flight, long now);

    /** Recovery ended (the recovery point was acknowledged): cwnd set for congestion avoidance. */
    void onExitRecovery(long now);

    /** The retransmission timer expired (RFC 5681 §3.1 eq. 4): ssthresh from flight, cwnd one segment. */
    void onTimeout(long flight, long now);

    /** After an idle period longer than the RTO, restart from the initial window (RFC 5681 §4.1). */
    void onIdleRestart(long now);
}
