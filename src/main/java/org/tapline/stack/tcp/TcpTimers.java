package org.tapline.stack.tcp;

/**
 * A connection's timers, as deadlines in nanoseconds ({@link TcpConnection#NONE} when idle):
 * retransmission (RFC 6298 §5), delayed ACK (RFC 9293 §3.8.6.3, Linux's 40 ms), zero-window
 * probe (persist, §3.8.6.1), keep-alive (§3.8.4, Linux's 7200 s / 75 s / 9 probes), and the
 * end of TIME-WAIT (60 s, Linux's TCP_TIMEWAIT_LEN) or of an orphaned FIN-WAIT-2 (60 s,
 * tcp_fin_timeout).
 */
final class TcpTimers {
    static final long DELAYED_ACK = 40_000_000L;
    static final long TIME_WAIT = 60_000_000_000L;
    static final long FIN_WAIT_2 = 60_000_000_000L;
    /** Linux tcp_syn_retries, tcp_synack_retries and tcp_retries2. */
    static final int SYN_RETRIES = 6;
    static final int SYNACK_RETRIES = 5;
    static final int DATA_RETRIES = 15;

    long keepIdle = 7_200_000_000_000L;
    long keepInterval = 75_000_000_000L;
    int keepCount = 9;

    private final TcpConnection c;
    long retransmitAt = TcpConnection.NONE;
    long delayedAckAt = TcpConnection.NONE;
    long persistAt = TcpConnection.NONE;
    long keepAliveAt = TcpConnection.NONE;
    long closeAt = TcpConnection.NONE;
    /** Persist-timer firings since the window got too small: the backoff. */
    int windowProbes;
    /** Zero-window probes since the peer last sent anything. */
    int unansweredProbes;

    TcpTimers(TcpConnection c) {
        this.c = c;
    }

    long next() {
        return Math.min(Math.min(retransmitAt, delayedAckAt), Math.min(Math.min(persistAt, keepAliveAt), closeAt));
    }

    void poll(long now) {
        if (due(closeAt, now)) {
            closeAt = TcpConnection.NONE;
            c.becomeClosed();
            return;
        }
        if (due(retransmitAt, now)) {
            retransmitAt = TcpConnection.NONE;
            retransmissionTimeout(now);
        }
        if (due(persistAt, now)) {
            persistAt = TcpConnection.NONE;
            probeWindow(now);
        }
        if (due(keepAliveAt, now)) {
            keepAliveAt = TcpConnection.NONE;
            keepAliveProbe(now);
        }
        if (due(delayedAckAt, now)) {
            delayedAckAt = TcpConnection.NONE;
            if (c.state.synchronized_()) {
                c.output.sendAck(now);
            }
        }
    }

    private static boolean due(long at, long now) {
        return at != TcpConnection.NONE && at - now <= 0;
    }

    /** Starts the retransmission timer unless it runs (RFC 6298 §5.1). */
    void armRetransmit(long now) {
        if (retransmitAt == TcpConnection.NONE) {
            retransmitAt = now + c.rtt.rto();
        }
    }

    /** New data was acknowledged: restart the timer, or stop it when nothing is outstanding (§5.2, §5.3). */
    void restartRetransmit(long now) {
        retransmitAt = c.sndNxt != c.sndUna ? now + c.rtt.rto() : TcpConnection.NONE;
    }

    /** RFC 6298 §5.4-5.7 and RFC 5681 §3.1: retransmit the earliest segment, back off, restart. */
    private void retransmissionTimeout(long now) {
        int limit = switch (c.state) {
            case SYN_SENT -> SYN_RETRIES;
            case SYN_RECEIVED -> SYNACK_RETRIES;
            default -> DATA_RETRIES;
        };
        if (c.retransmits >= limit) {
            c.fail(c.softError != null ? c.softError : TcpError.TIMED_OUT);
            return;
        }
        if (c.state.synchronized_() && c.retransmits == 0) {
            // RFC 5681 §3.1: ssthresh is cut once, not again for the same segment's retransmissions
            c.cc.onTimeout(c.flight(), now);
        } else if (c.state.synchronized_()) {
            c.cc.onTimeout(c.cc.ssthresh() * 2, now);
        }
        c.retransmits++;
        c.rtt.backoff();
        c.rttTiming = false;
        c.inRecovery = false;
        c.inflation = 0;
        c.dupAcks = 0;
        c.recover = c.sndMax; // RFC 6582 §4
        c.sndNxt = c.sndUna; // go back: resend from the first unacknowledged byte
        if (c.state.synchronized_()) {
            c.sndNxt = Seq.add(c.sndUna, c.output.retransmitFirst(now));
        } else {
            c.output.send(now);
        }
        retransmitAt = now + c.rtt.rto();
    }

    /**
     * Arms the persist timer when data waits with nothing in flight because the send window is
     * too small for it: zero (RFC 9293 §3.8.6.1) or below what sender SWS avoidance sends (the
     * override timeout of §3.8.6.2.1).
     */
    void persistIfStalled(long now) {
        int unsent = c.sendBuffer.size() - Seq.diff(c.sndNxt, c.sendBufferSeq);
        boolean finWaits = c.finQueued && Seq.le(c.sndNxt, c.finSeq());
        boolean stalled = c.sndNxt == c.sndUna && c.state.synchronized_()
                && (unsent > 0 && c.sndWnd < Math.min(unsent, c.mss) || unsent <= 0 && finWaits && c.sndWnd == 0);
        if (!stalled) {
            persistAt = TcpConnection.NONE;
            windowProbes = 0;
        } else if (persistAt == TcpConnection.NONE) {
            persistAt = now + backedOff(windowProbes);
        }
    }

    private void probeWindow(long now) {
        if (unansweredProbes >= DATA_RETRIES) {
            c.fail(TcpError.TIMED_OUT);
            return;
        }
        if (c.sndWnd > 0) {
            c.output.sendWhatFits(now); // the window is small, not closed: use it
        } else {
            c.output.sendWindowProbe(now);
            unansweredProbes++;
        }
        windowProbes++;
        persistAt = TcpConnection.NONE;
        persistIfStalled(now);
    }

    private long backedOff(int times) {
        return Math.min(RttEstimator.MAX_RTO, c.rtt.rto() << Math.min(times, 10));
    }

    /** Something arrived: the connection is alive, the keep-alive idle period starts again. */
    void heard(long now) {
        c.lastReceive = now;
        unansweredProbes = 0;
        if (keepAliveAt != TcpConnection.NONE) {
            c.probes = 0;
            keepAliveAt = now + keepIdle;
        }
    }

    void keepAliveChanged(long now) {
        boolean on = c.keepAlive && (c.state == TcpState.ESTABLISHED || c.state == TcpState.CLOSE_WAIT);
        keepAliveAt = on ? now + keepIdle : TcpConnection.NONE;
    }

    private void keepAliveProbe(long now) {
        if (!c.keepAlive || !c.state.synchronized_()) {
            return;
        }
        if (c.probes >= keepCount) {
            c.fail(TcpError.TIMED_OUT);
            return;
        }
        c.output.sendKeepAlive(now);
        c.probes++;
        keepAliveAt = now + keepInterval;
    }

    void scheduleDelayedAck(long now) {
        if (delayedAckAt == TcpConnection.NONE) {
            delayedAckAt = now + DELAYED_ACK;
        }
    }

    void cancelDelayedAck() {
        delayedAckAt = TcpConnection.NONE;
    }

    /** Enters TIME-WAIT, or restarts its 2 MSL on a retransmitted FIN (RFC 9293 §3.10.7.4). */
    void timeWait(long now) {
        retransmitAt = TcpConnection.NONE;
        persistAt = TcpConnection.NONE;
        keepAliveAt = TcpConnection.NONE;
        closeAt = now + TIME_WAIT;
    }

    /** close() left the connection with no owner: an endless FIN-WAIT-2 is cut after 60 s. */
    void orphaned(long now) {
        if (c.state == TcpState.FIN_WAIT_2) {
            closeAt = now + FIN_WAIT_2;
        }
    }

    void cancelAll() {
        retransmitAt = TcpConnection.NONE;
        delayedAckAt = TcpConnection.NONE;
        persistAt = TcpConnection.NONE;
        keepAliveAt = TcpConnection.NONE;
        closeAt = TcpConnection.NONE;
    }
}
