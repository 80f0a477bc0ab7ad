package org.tapline.stack.tcp;

/**
 * Segment arrival for a connection past LISTEN (RFC 9293 §3.10.7.3 for SYN-SENT, §3.10.7.4 for
 * the others, in its order: sequence check, RST, SYN, ACK, data, FIN), with RFC 5961's blind
 * attack rules (§3.2 RST, §4 SYN, §5 ACK) and RFC 7323's PAWS (§5.3). ACK processing proper is
 * in {@link TcpAcks}.
 */
final class TcpInput {
    private final TcpConnection c;
    private final TcpAcks acks;

    TcpInput(TcpConnection c) {
        this.c = c;
        this.acks = new TcpAcks(c);
    }

    void segment(Segment s, long now) {
        if (c.state == TcpState.SYN_SENT) {
            synSent(s, now);
            return;
        }
        if (c.state == TcpState.TIME_WAIT && s.syn() && !s.hasAck() && !s.rst() && newIncarnation(s)) {
            // RFC 6191 (RFC 9293 §3.6.1): a new SYN may end TIME-WAIT; the listener takes it
            c.becomeClosed();
            c.transport.reopen(c, s, now);
            return;
        }
        if (c.state == TcpState.SYN_RECEIVED && s.syn() && !s.hasAck() && s.seq == c.irs) {
            c.sndNxt = c.iss; // the peer lost our SYN-ACK: send it again
            c.output.send(now);
            return;
        }
        if (c.state == TcpState.SYN_RECEIVED && s.syn() && s.hasAck() && s.seq == c.irs) {
            // simultaneous open (RFC 9293 figure 8): the peer's SYN-ACK; its SYN we have, its ACK counts
            s.seq = Seq.add(s.seq, 1);
            s.flags &= ~org.tapline.packet.Tcp.SYN;
        }
        if (c.timestamps && s.hasTimestamp && !s.rst() && Seq.lt(s.tsVal, c.tsRecent)) {
            c.transport.counters().pawsDropped++; // RFC 7323 §5.3 R1: an old duplicate
            c.output.sendAck(now);
            return;
        }
        int window = Math.max(0, Seq.diff(c.rcvAdvertised, c.rcvNxt));
        if (!acceptable(s, window)) {
            if (!s.rst()) {
                if (c.state == TcpState.TIME_WAIT && s.fin()) {
                    c.timers.timeWait(now); // the peer resends its FIN: our ACK was lost
                }
                c.output.sendAck(now);
            }
            return;
        }
        // RFC 7323 §4.3 (2): TS.Recent follows the segment that carries the edge we acknowledged.
        if (c.timestamps && s.hasTimestamp && Seq.ge(s.tsVal, c.tsRecent) && Seq.le(s.seq, c.lastAckSent)) {
            c.tsRecent = s.tsVal;
        }
        c.timers.heard(now);
        if (s.rst()) {
            reset(s, now);
            return;
        }
        if (s.syn()) {
            if (c.state == TcpState.SYN_RECEIVED && c.listener != null) {
                c.becomeClosed();
                return;
            }
            challengeAck(now); // RFC 5961 §4.2: whatever its sequence number
            return;
        }
        if (!s.hasAck() || !acks.process(s, now)) {
            return;
        }
        text(s, window, now);
        c.output.send(now);
    }

    /** RFC 6191 §2: a newer timestamp, or without timestamps a sequence number past the old connection's. */
    private boolean newIncarnation(Segment s) {
        if (c.timestamps && s.hasTimestamp) {
            return Seq.gt(s.tsVal, c.tsRecent);
        }
        return Seq.gt(s.seq, c.rcvNxt);
    }

    /** RFC 9293 §3.10.7.4 first: the four cases of the acceptability test. */
    private boolean acceptable(Segment s, int window) {
        int len = s.seqLength();
        long end = Seq.add(c.rcvNxt, window);
        if (len == 0) {
            return window == 0 ? s.seq == c.rcvNxt : Seq.inRange(s.seq, c.rcvNxt, end);
        }
        if (window == 0) {
            // RFC 9293: a zero window still takes valid ACKs and RSTs; the text is dropped later.
            return s.seq == c.rcvNxt;
        }
        return Seq.inRange(s.seq, c.rcvNxt, end) || Seq.inRange(Seq.add(s.seq, len - 1), c.rcvNxt, end);
    }

    /** RFC 5961 §3.2: only a RST at exactly RCV.NXT resets; one elsewhere in the window gets a challenge ACK. */
    private void reset(Segment s, long now) {
        if (s.seq != c.rcvNxt) {
            challengeAck(now);
            return;
        }
        switch (c.state) {
            case SYN_RECEIVED -> {
                if (c.listener != null) {
                    c.becomeClosed(); // passive: the listener goes on
                } else {
                    c.fail(TcpError.REFUSED);
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> c.fail(TcpError.RESET);
            default -> c.becomeClosed();
        }
    }

    /** RFC 5961 §7: challenge ACKs are rate limited across the stack. */
    void challengeAck(long now) {
        if (c.transport.challengeAckAllowed(now)) {
            c.transport.counters().challengeAcks++;
            c.output.sendAck(now);
        }
    }

    /** §3.10.7.4 seventh and eighth: segment text, then FIN. */
    private void text(Segment s, int window, long now) {
        long seq = s.seq;
        long off = s.dataOffset;
        int len = s.dataLength;
        boolean fin = s.fin();
        int before = Seq.diff(c.rcvNxt, seq);
        if (before > 0) { // the front was received before
            off += before;
            len -= before;
            seq = c.rcvNxt;
        }
        int room = Seq.diff(Seq.add(c.rcvNxt, window), seq);
        if (len > room) { // beyond the window: cut, and the FIN after it with it
            len = Math.max(room, 0);
            fin = false;
        }
        if (len > 0 && c.state.receivesData()) {
            if (c.closed) {
                // Linux: data for a socket the application closed is answered with RST
                c.abort(now);
                return;
            }
            receive(seq, s, off, len, now);
        } else if (s.dataLength > 0) {
            c.ackNow = true;
        }
        if (fin) {
            long finSeq = Seq.add(seq, len);
            if (finSeq == c.rcvNxt) {
                fin(now);
            } else if (c.state.receivesData()) {
                c.pendingFinSeq = finSeq;
                c.ackNow = true;
            }
        }
    }

    private void receive(long seq, Segment s, long off, int len, long now) {
        ReceiveQueue q = c.receiveQueue;
        boolean hole = q.islands() > 0;
        int advance = q.accept(seq, s.data, off, len, c.rcvNxt);
        if (advance <= 0) {
            c.ackNow = true; // RFC 5681 §4.2: out-of-order data is acknowledged at once
            return;
        }
        c.rcvNxt = Seq.add(c.rcvNxt, advance);
        c.rcvMss = Math.max(c.rcvMss, Math.min(len, c.transport.localMss(c.remote)));
        c.unackedBytes += advance;
        if (hole || c.unackedBytes >= 2 * c.rcvMss) {
            c.ackNow = true; // a hole filled, or a second full-sized segment (RFC 9293 §3.8.6.3)
        } else {
            c.timers.scheduleDelayedAck(now);
        }
        if (c.pendingFinSeq >= 0 && c.pendingFinSeq == c.rcvNxt) {
            fin(now);
        }
        c.waker.run();
    }

    private void fin(long now) {
        c.pendingFinSeq = -1;
        if (!c.finReceived) {
            c.rcvNxt = Seq.add(c.rcvNxt, 1);
            c.finReceived = true;
        }
        c.ackNow = true;
        switch (c.state) {
            case SYN_RECEIVED, ESTABLISHED -> {
                c.setState(TcpState.CLOSE_WAIT);
                c.timers.keepAliveChanged(now);
            }
            case FIN_WAIT_1 -> {
                if (c.finAcked()) {
                    enterTimeWait(now);
                } else {
                    c.setState(TcpState.CLOSING);
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            case TIME_WAIT -> c.timers.timeWait(now);
            default -> { }
        }
        c.waker.run();
    }

    void enterTimeWait(long now) {
        c.setState(TcpState.TIME_WAIT);
        c.timers.timeWait(now);
    }

    /** RFC 9293 §3.10.7.3. */
    private void synSent(Segment s, long now) {
        if (s.hasAck() && (Seq.le(s.ack, c.iss) || Seq.gt(s.ack, c.sndMax))) {
            if (!s.rst()) {
                c.transport.sendReset(c.local, c.localPort, c.remote, c.remotePort, s, now);
            }
            return;
        }
        if (s.rst()) {
            if (s.hasAck()) {
                c.fail(TcpError.REFUSED);
            }
            return;
        }
        if (!s.syn()) {
            return;
        }
        c.irs = s.seq;
        c.rcvNxt = Seq.add(s.seq, 1);
        takeSynOptions(c, s);
        c.rcvAdvertised = Seq.add(c.rcvNxt, Math.min(0xffff, c.receiveQueue.ring().free()));
        c.timers.heard(now);
        if (!s.hasAck()) {
            c.setState(TcpState.SYN_RECEIVED); // simultaneous open: SYN-ACK with our same ISS
            c.sndNxt = c.iss;
            c.output.send(now);
            return;
        }
        if (c.rttTiming && c.retransmits == 0) {
            c.rtt.sample(now - c.rttStart);
        }
        c.rttTiming = false;
        c.sndUna = s.ack;
        c.sndWnd = s.window; // RFC 7323 §2.2: a SYN's window is never scaled
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = s.seq;
        c.sndWl2 = s.ack;
        established(now);
        c.ackNow = true;
        c.output.send(now);
    }

    /** The handshake is done: the congestion window starts (RFC 6928's IW10). */
    void established(long now) {
        c.retransmits = 0;
        c.cc.init(c.mss, now);
        c.recover = c.iss; // RFC 6582 §3.2: recover starts at the ISS
        c.setState(TcpState.ESTABLISHED);
        c.timers.restartRetransmit(now);
        c.timers.keepAliveChanged(now);
    }

    /**
     * The options of the peer's SYN: scaling, timestamps and SACK hold when both SYNs carry them
     * (what we send answers only what a SYN offered); MSS 536 without the option (RFC 9293 §3.7.1).
     */
    static void takeSynOptions(TcpConnection c, Segment s) {
        c.windowScaling = s.windowScale >= 0 && c.rcvShift >= 0;
        c.sndShift = c.windowScaling ? s.windowScale : 0;
        if (!c.windowScaling) {
            c.rcvShift = 0;
        }
        c.timestamps = c.timestamps && s.hasTimestamp;
        if (c.timestamps) {
            c.tsRecent = s.tsVal;
        }
        c.sackPermitted = c.sackPermitted && s.sackPermitted;
        int peer = s.mss == 0 ? 536 : s.mss;
        c.mss = Math.max(64, Math.min(peer, c.transport.localMss(c.remote)) - (c.timestamps ? TcpOutput.TIMESTAMP_SPACE : 0));
    }
}
