package org.tapline.stack.tcp;

import org.tapline.packet.Tcp;
import org.tapline.stack.ip.IpAddress;

/**
 * Segments for a listener (RFC 9293 §3.10.7.2): a SYN makes a child in SYN-RECEIVED that
 * answers with a SYN-ACK, or, with the SYN queue full, a SYN-ACK whose ISN is a cookie and no
 * state (RFC 4987 §3.6); an ACK that brings a valid cookie back makes the connection at once.
 * A cookie can carry only the MSS, so such a connection runs without window scaling,
 * timestamps and SACK (Linux keeps them in the timestamp when there is one).
 */
final class TcpListeners {
    private final TcpTransport transport;

    TcpListeners(TcpTransport transport) {
        this.transport = transport;
    }

    void segment(TcpListener l, Segment s, IpAddress local, IpAddress remote, long now) {
        if (s.rst()) {
            return;
        }
        if (s.hasAck()) {
            if (s.syn() || !cookieAck(l, s, local, remote, now)) {
                transport.sendReset(local, s.destinationPort, remote, s.sourcePort, s, now);
            }
            return;
        }
        if (!s.syn()) {
            return;
        }
        if (!l.hasRoom()) {
            transport.counters().listenDrops++; // Linux drops a SYN while the accept queue is full
            return;
        }
        if (l.synQueueFull()) {
            sendCookie(s, local, remote, now);
            return;
        }
        TcpConnection c = transport.newConnection(local, s.destinationPort, remote, s.sourcePort,
                l.receiveBuffer, l.sendBuffer, now);
        inherit(c, l);
        c.rcvShift = TcpTransport.shiftFor(l.receiveBuffer);
        c.irs = s.seq;
        c.rcvNxt = Seq.add(s.seq, 1);
        TcpInput.takeSynOptions(c, s);
        c.listener = l;
        l.addHalfOpen(c);
        c.setState(TcpState.SYN_RECEIVED);
        c.timers.heard(now);
        c.output.send(now);
    }

    private static void inherit(TcpConnection c, TcpListener l) {
        c.noDelay = l.noDelay;
        c.keepAlive = l.keepAlive;
    }

    private void sendCookie(Segment s, IpAddress local, IpAddress remote, long now) {
        int peerMss = s.mss == 0 ? 536 : s.mss;
        long cookie = transport.isn().cookie(local, s.destinationPort, remote, s.sourcePort, s.seq, peerMss, now);
        SegmentWriter w = transport.writer();
        w.mss = transport.localMss(remote);
        w.send(local, remote, s.destinationPort, s.sourcePort, cookie, Seq.add(s.seq, 1), Tcp.SYN | Tcp.ACK_FLAG,
                0xffff, null, 0, 0, now);
        transport.counters().outSegs++;
        transport.counters().synCookiesSent++;
    }

    /** The third segment of a handshake we kept no state for: valid if it returns our cookie. */
    private boolean cookieAck(TcpListener l, Segment s, IpAddress local, IpAddress remote, long now) {
        long peerIsn = Seq.add(s.seq, -1);
        int mss = transport.isn().checkCookie(local, s.destinationPort, remote, s.sourcePort, peerIsn, s.ack, now);
        if (mss < 0) {
            return false;
        }
        if (!l.hasRoom()) {
            transport.counters().listenOverflows++;
            return true; // dropped: the client retransmits (and no RST, the cookie was good)
        }
        transport.counters().synCookiesRecv++;
        TcpConnection c = transport.newConnection(local, s.destinationPort, remote, s.sourcePort,
                l.receiveBuffer, l.sendBuffer, now);
        inherit(c, l);
        c.timestamps = false;
        c.sackPermitted = false;
        c.rcvShift = 0;
        c.windowScaling = false;
        c.iss = Seq.add(s.ack, -1);
        c.sndUna = s.ack;
        c.sndNxt = s.ack;
        c.sndMax = s.ack;
        c.sendBufferSeq = s.ack;
        c.irs = peerIsn;
        c.rcvNxt = s.seq;
        c.rcvAdvertised = Seq.add(s.seq, 0xffff);
        c.mss = Math.min(mss, transport.localMss(remote));
        c.sndWnd = s.window;
        c.maxSndWnd = s.window;
        c.sndWl1 = s.seq;
        c.sndWl2 = s.ack;
        transport.counters().passiveOpens++;
        c.input.established(now);
        c.listener = l;
        l.established(c);
        c.input.segment(s, now); // its data, if any
        return true;
    }
}
