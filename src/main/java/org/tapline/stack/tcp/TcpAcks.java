package org.tapline.stack.tcp;

/**
 * RFC 9293 §3.10.7.4 fifth, the ACK field: the handshake's last step, RFC 5961 §5.2's range
 * check, new data acknowledged (RTT sample per RFC 6298 with Karn's rule, the congestion window,
 * the send window update rule with SND.WL1/WL2), duplicate ACKs and NewReno's fast retransmit
 * and recovery (RFC 5681 §3.2, RFC 6582 §3.2), and the closing states' transitions.
 */
final class TcpAcks {
    static final int DUPACK_THRESHOLD = 3;

    private final TcpConnection c;

    TcpAcks(TcpConnection c) {
        this.c = c;
    }

    /** Processes the ACK field; false when the segment is to be dropped here. */
    boolean process(Segment s, long now) {
        if (c.state == TcpState.SYN_RECEIVED && !handshakeAck(s, now)) {
            return false;
        }
        if (Seq.gt(s.ack, c.sndMax)) {
            c.output.sendAck(now); // it acknowledges what we never sent
            return false;
        }
        if (Seq.lt(s.ack, Seq.add(c.sndUna, -Math.max(c.maxSndWnd, 1)))) {
            c.input.challengeAck(now); // RFC 5961 §5.2: far below SND.UNA
            return false;
        }
        long window = (long) s.window << c.sndShift;
        boolean current = Seq.ge(s.ack, c.sndUna); // below SND.UNA: an old duplicate, ignored
        if (Seq.gt(s.ack, c.sndUna)) {
            newData(s.ack, now);
        } else if (s.ack == c.sndUna && s.dataLength == 0 && !s.fin() && window == c.sndWnd
                && c.sndMax != c.sndUna) {
            duplicate(now);
        }
        // RFC 9293: SND.WL1 and SND.WL2 keep an old segment from moving the window back.
        if (current && (Seq.lt(c.sndWl1, s.seq) || c.sndWl1 == s.seq && Seq.le(c.sndWl2, s.ack))) {
            boolean opened = c.sndWnd == 0 && window > 0;
            c.sndWnd = window;
            c.sndWl1 = s.seq;
            c.sndWl2 = s.ack;
            c.maxSndWnd = Math.max(c.maxSndWnd, window);
            if (opened) {
                c.timers.persistIfStalled(now);
            }
        }
        return closingTransitions(now);
    }

    /** SYN-RECEIVED: an ACK of our SYN establishes; any other ACK gets a RST (RFC 9293). */
    private boolean handshakeAck(Segment s, long now) {
        if (!Seq.gt(s.ack, c.sndUna) || Seq.gt(s.ack, c.sndMax)) {
            c.transport.sendReset(c.local, c.localPort, c.remote, c.remotePort, s, now);
            return false;
        }
        if (c.listener != null && !c.listener.hasRoom()) {
            // Linux: a full accept queue drops the ACK; our SYN-ACK is resent and it comes again
            c.transport.counters().listenOverflows++;
            return false;
        }
        if (c.rttTiming && c.retransmits == 0) {
            c.rtt.sample(now - c.rttStart);
        }
        c.rttTiming = false;
        c.sndWnd = (long) s.window << c.sndShift;
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = s.seq;
        c.sndWl2 = s.ack;
        c.sndUna = s.ack;
        c.input.established(now);
        if (c.listener != null) {
            c.listener.established(c);
        }
        return true;
    }

    private void newData(long ack, long now) {
        long flight = c.flight();
        int acked = Seq.diff(ack, c.sndUna);
        int data = Math.min(Math.max(0, Seq.diff(ack, c.sendBufferSeq)), c.sendBuffer.size());
        if (data > 0) {
            c.sendBuffer.drop(data);
            c.sendBufferSeq = Seq.add(c.sendBufferSeq, data);
        }
        c.sndUna = ack;
        if (Seq.lt(c.sndNxt, ack)) {
            c.sndNxt = ack; // a zero-window probe's byte was taken
        }
        long sample = -1;
        if (c.rttTiming && Seq.ge(ack, c.rttSeq)) {
            sample = now - c.rttStart;
            c.rtt.sample(sample);
            c.rttTiming = false;
        }
        c.retransmits = 0;
        if (c.inRecovery) {
            if (Seq.ge(ack, c.recover)) {
                // RFC 6582 §3.2 step 4: a full acknowledgment ends recovery
                c.inRecovery = false;
                c.inflation = 0;
                c.cc.onExitRecovery(now);
            } else {
                // step 5: a partial ACK: resend the next hole, deflate by what it acked
                c.output.retransmitFirst(now);
                c.inflation = Math.max(0, c.inflation - acked + c.mss);
            }
        } else {
            c.inflation = 0;
            c.cc.onAck(acked, flight, sample, now);
        }
        c.dupAcks = 0;
        c.timers.restartRetransmit(now);
        c.waker.run();
    }

    private void duplicate(long now) {
        c.dupAcks++;
        if (!c.inRecovery && c.dupAcks == DUPACK_THRESHOLD && Seq.gt(c.sndUna, c.recover)) {
            // RFC 6582 §3.2 step 2: fast retransmit and recovery up to what was sent
            c.recover = c.sndMax;
            c.inRecovery = true;
            c.cc.onEnterRecovery(c.flight(), now);
            c.inflation = 0;
            c.output.retransmitFirst(now);
        } else if (c.inRecovery && c.dupAcks > DUPACK_THRESHOLD) {
            c.inflation += c.mss; // step 3: each further duplicate means a segment left the network
        } else if (!c.inRecovery && c.dupAcks < DUPACK_THRESHOLD) {
            // RFC 3042 limited transmit: a new segment for each of the first two duplicates
            c.inflation = (long) c.dupAcks * c.mss;
        }
    }

    /** FIN-WAIT-1, CLOSING and LAST-ACK move on when our FIN is acknowledged. */
    private boolean closingTransitions(long now) {
        if (!c.finAcked()) {
            return true;
        }
        switch (c.state) {
            case FIN_WAIT_1 -> {
                c.setState(TcpState.FIN_WAIT_2);
                if (c.closed) {
                    c.timers.orphaned(now);
                }
            }
            case CLOSING -> {
                c.input.enterTimeWait(now);
                return false;
            }
            case LAST_ACK -> {
                c.becomeClosed();
                return false;
            }
            default -> { }
        }
        return true;
    }
}
