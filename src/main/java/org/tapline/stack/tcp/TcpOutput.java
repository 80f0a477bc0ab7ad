package org.tapline.stack.tcp;

import org.tapline.packet.Tcp;

/**
 * What a connection sends: its SYN or SYN-ACK, data as the windows, Nagle (RFC 9293 §3.7.4)
 * and sender silly-window avoidance (§3.8.6.2.1) allow, its FIN, retransmissions, and ACKs
 * with the receive window it may announce (receiver SWS avoidance, §3.8.6.2.2).
 */
final class TcpOutput {
    /** Timestamps as every segment carries them: NOP NOP TS. */
    static final int TIMESTAMP_SPACE = 12;

    private final TcpConnection c;

    TcpOutput(TcpConnection c) {
        this.c = c;
    }

    /** Sends what may be sent now, then an ACK if one is owed and nothing carried it. */
    void send(long now) {
        switch (c.state) {
            case CLOSED, LISTEN -> {
                return;
            }
            case SYN_SENT, SYN_RECEIVED -> {
                if (c.sndNxt == c.iss) {
                    sendSyn(now);
                }
            }
            default -> sendData(now);
        }
        if (c.ackNow) {
            sendAck(now);
        }
    }

    private void sendSyn(long now) {
        boolean active = c.state == TcpState.SYN_SENT;
        int flags = Tcp.SYN | (active ? 0 : Tcp.ACK_FLAG);
        SegmentWriter w = c.transport.writer();
        w.mss = c.transport.localMss(c.remote);
        w.sackPermitted = c.sackPermitted;
        // RFC 7323 §2.2: offered in a SYN, answered in a SYN-ACK only when the SYN offered it.
        w.windowScale = active || c.windowScaling ? c.rcvShift : -1;
        if (c.timestamps) {
            w.timestamp = true;
            w.tsVal = c.tsNow(now);
            w.tsEcr = active ? 0 : c.tsRecent;
        }
        // RFC 7323 §2.2: the window in a SYN is never scaled.
        int window = (int) Math.min(0xffff, c.receiveQueue.ring().free());
        if (!active) {
            c.rcvAdvertised = Seq.add(c.rcvNxt, window);
        }
        emit(c.iss, flags, window, 0, now);
        if (c.sndMax == c.iss) {
            c.transport.counters().outSegs++;
            c.rttTiming = true; // the handshake gives the first RTT sample (RFC 6298 §2.2)
            c.rttSeq = Seq.add(c.iss, 1);
            c.rttStart = now;
        } else {
            c.transport.counters().retransSegs++;
            c.rttTiming = false;
        }
        c.sndNxt = Seq.add(c.iss, 1);
        c.sndMax = c.sndNxt;
        c.timers.armRetransmit(now);
    }

    private void sendData(long now) {
        if (c.flight() == 0 && now - c.lastSend > c.rtt.rto() && c.sendBuffer.size() > 0) {
            c.cc.onIdleRestart(now); // RFC 5681 §4.1
        }
        while (true) {
            int offset = Seq.diff(c.sndNxt, c.sendBufferSeq);
            int unsent = Math.max(0, c.sendBuffer.size() - offset);
            long window = Math.min(c.sndWnd, c.cc.cwnd() + c.inflation);
            long usable = Seq.diff(c.sndUna, c.sndNxt) + window;
            int room = segmentRoom();
            int len = (int) Math.max(0, Math.min(Math.min(unsent, room), usable));
            boolean fin = c.finQueued && Seq.add(c.sndNxt, len) == c.finSeq();
            if (len == 0 && !fin) {
                break;
            }
            if (len < room && len < unsent && len < c.maxSndWnd / 2) {
                break; // sender SWS avoidance: wait for a full segment or half the largest window
            }
            if (len < room && len == unsent && !fin && !c.noDelay && c.flight() > 0) {
                break; // Nagle: one small segment in flight at a time
            }
            transmit(c.sndNxt, len, fin, now);
            c.sndNxt = Seq.add(c.sndNxt, len + (fin ? 1 : 0));
            if (Seq.gt(c.sndNxt, c.sndMax)) {
                c.sndMax = c.sndNxt;
            }
            if (fin) {
                break;
            }
        }
        c.timers.persistIfStalled(now);
    }

    /** Payload room in one segment: the MSS less the SACK blocks an ACK now carries. */
    private int segmentRoom() {
        int sack = c.sackPermitted ? sackBlocks() : 0;
        return c.mss - (sack > 0 ? 4 + sack * Wire.SACK_BLOCK : 0);
    }

    private int sackBlocks() {
        return Math.min(c.receiveQueue.islands(), c.timestamps ? 3 : 4);
    }

    /** Sends (or resends) {@code len} bytes at {@code seq}, with our FIN after them if {@code fin}. */
    void transmit(long seq, int len, boolean fin, long now) {
        boolean again = Seq.lt(seq, c.sndMax);
        if (again) {
            c.rttTiming = false; // Karn's rule (RFC 6298 §3)
            c.retransmittedSegments++;
            c.transport.counters().retransSegs++;
        } else if (!c.rttTiming) {
            c.rttTiming = true;
            c.rttSeq = Seq.add(seq, Math.max(len, 1));
            c.rttStart = now;
        }
        int flags = Tcp.ACK_FLAG | (len > 0 ? Tcp.PSH : 0) | (fin ? Tcp.FIN : 0);
        emitWithOptions(seq, flags, len, now, again);
        c.timers.armRetransmit(now);
    }

    /**
     * Retransmits the first unacknowledged segment (fast retransmit, partial ACK, RTO), at most
     * the send window (one byte when it is closed); returns the sequence space it covered.
     */
    int retransmitFirst(long now) {
        int offset = Seq.diff(c.sndUna, c.sendBufferSeq);
        long window = Math.max(1, c.sndWnd);
        int len = (int) Math.max(0, Math.min(Math.min(segmentRoom(), c.sendBuffer.size() - offset), window));
        boolean fin = c.finQueued && offset + len == c.sendBuffer.size() && Seq.gt(c.sndMax, c.finSeq());
        if (len > 0 || fin) {
            transmit(c.sndUna, len, fin, now);
        }
        return len + (fin ? 1 : 0);
    }

    /** A pure ACK with the current window (and SACK blocks). */
    void sendAck(long now) {
        emitWithOptions(c.sndNxt, Tcp.ACK_FLAG, 0, now, false);
    }

    /** A keep-alive probe (RFC 9293 §3.8.4): SEG.SEQ = SND.NXT - 1, no data. */
    void sendKeepAlive(long now) {
        emitWithOptions(Seq.add(c.sndUna, -1), Tcp.ACK_FLAG, 0, now, false);
    }

    /** A zero-window probe (RFC 9293 §3.8.6.1): one byte of new data past the window. */
    void sendWindowProbe(long now) {
        int offset = Seq.diff(c.sndNxt, c.sendBufferSeq);
        if (offset < c.sendBuffer.size()) {
            emitWithOptions(c.sndNxt, Tcp.ACK_FLAG, 1, now, false);
            long end = Seq.add(c.sndNxt, 1);
            if (Seq.gt(end, c.sndMax)) {
                c.sndMax = end;
            }
        } else {
            sendKeepAlive(now);
        }
    }

    /** The persist timer's override (RFC 9293 §3.8.6.2.1): sends what the small window takes. */
    void sendWhatFits(long now) {
        int offset = Seq.diff(c.sndNxt, c.sendBufferSeq);
        int len = (int) Math.min(Math.min(segmentRoom(), c.sendBuffer.size() - offset),
                Math.max(0, Seq.diff(c.sndUna, c.sndNxt) + c.sndWnd));
        if (len > 0) {
            boolean fin = c.finQueued && Seq.add(c.sndNxt, len) == c.finSeq();
            transmit(c.sndNxt, len, fin, now);
            c.sndNxt = Seq.add(c.sndNxt, len + (fin ? 1 : 0));
            c.sndMax = Seq.max(c.sndMax, c.sndNxt);
        }
    }

    /** RST for an abort: SEQ = SND.NXT (RFC 9293 §3.10.5). */
    void sendReset(long now) {
        c.transport.writer().send(c.local, c.remote, c.localPort, c.remotePort, c.sndNxt, c.rcvNxt,
                Tcp.RST | Tcp.ACK_FLAG, 0, null, 0, 0, now);
        c.transport.counters().outSegs++;
        c.transport.counters().outRsts++;
    }

    /**
     * After the application read: announce the window if it opened by enough to matter (RFC
     * 9293 §3.8.6.2.2: by min(RCV.BUFF/2, MSS)) while the peer saw less than half the buffer.
     */
    void windowUpdate(long now) {
        int limit = c.receiveQueue.ring().limit();
        long announced = Seq.diff(c.rcvAdvertised, c.rcvNxt);
        long could = c.receiveQueue.ring().free();
        if (announced < limit / 2 && could - announced >= Math.min(limit / 2, c.mss)) {
            sendAck(now);
        }
    }

    /** The window to announce now, in bytes, and the edge it sets. */
    private long receiveWindow() {
        int limit = c.receiveQueue.ring().limit();
        long free = c.receiveQueue.ring().free();
        long announced = Math.max(0, Seq.diff(c.rcvAdvertised, c.rcvNxt));
        return free - announced >= Math.min(limit / 2, c.mss) ? free : announced;
    }

    private void emitWithOptions(long seq, int flags, int len, long now, boolean retransmission) {
        SegmentWriter w = c.transport.writer();
        if (c.timestamps) {
            w.timestamp = true;
            w.tsVal = c.tsNow(now);
            w.tsEcr = c.tsRecent;
        }
        if (c.sackPermitted) {
            w.sackCount = c.receiveQueue.sackBlocks(w.sack, sackBlocks());
        }
        long wnd = receiveWindow();
        int field = (int) Math.min(0xffff, wnd >> c.rcvShift);
        long edge = Seq.add(c.rcvNxt, (long) field << c.rcvShift);
        if (Seq.gt(edge, c.rcvAdvertised)) {
            c.rcvAdvertised = edge;
        }
        emit(seq, flags, field, len, now);
        if (!retransmission) {
            c.transport.counters().outSegs++;
        }
    }

    private void emit(long seq, int flags, int window, int len, long now) {
        c.transport.writer().send(c.local, c.remote, c.localPort, c.remotePort, seq, c.rcvNxt, flags, window,
                c.sendBuffer, Seq.diff(seq, c.sendBufferSeq), len, now);
        if ((flags & Tcp.ACK_FLAG) != 0) {
            c.lastAckSent = c.rcvNxt;
            c.ackNow = false;
            c.unackedBytes = 0;
            c.timers.cancelDelayedAck();
        }
        c.lastSend = now;
    }
}
