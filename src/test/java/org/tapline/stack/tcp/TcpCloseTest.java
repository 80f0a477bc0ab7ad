package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Tcp;
import org.tapline.stack.tcp.TcpHarness.Sent;

/** Closing in virtual time: active, simultaneous and half close, TIME-WAIT, RST on close (RFC 9293 §3.6). */
class TcpCloseTest {
    static final long MS = 1_000_000L;
    static final long PEER_ISN = TcpStateMachineTest.PEER_ISN;
    static final int ACK = Tcp.ACK_FLAG;

    final TcpHarness h = new TcpHarness();

    TcpConnection established() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 8);
        long iss = h.in(PeerSegment.syn(PEER_ISN).mss(1460), 0).get(0).seq();
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1), 0);
        TcpConnection c = l.accept();
        assertNotNull(c);
        return c;
    }

    static long iss(TcpConnection c) {
        return c.iss;
    }

    @Test
    void activeCloseThroughTimeWait() throws Exception {
        TcpConnection c = established();
        long iss = iss(c);
        c.close(false, MS);
        Sent fin = h.last();
        assertEquals(ACK | Tcp.FIN, fin.flags());
        assertEquals(iss + 1, fin.seq());
        assertEquals(TcpState.FIN_WAIT_1, c.state());
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 2), 2 * MS);
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        Sent ack = h.in(PeerSegment.of(ACK | Tcp.FIN, PEER_ISN + 1, iss + 2), 3 * MS).get(0);
        assertEquals(PEER_ISN + 2, ack.ack());
        assertEquals(TcpState.TIME_WAIT, c.state());
        // the peer resends its FIN: answered, and TIME-WAIT starts again
        assertEquals(1, h.in(PeerSegment.of(ACK | Tcp.FIN, PEER_ISN + 1, iss + 2), 10_000 * MS).size());
        h.advance(69_999 * MS);
        assertEquals(TcpState.TIME_WAIT, c.state());
        h.advance(70_000 * MS);
        assertEquals(TcpState.CLOSED, c.state(), "60 s after the last FIN");
        assertEquals(0, h.tcp.connectionCount());
    }

    @Test
    void simultaneousClose() throws Exception {
        TcpConnection c = established();
        long iss = iss(c);
        c.close(false, MS);
        Sent ack = h.in(PeerSegment.of(ACK | Tcp.FIN, PEER_ISN + 1, iss + 1), 2 * MS).get(0);
        assertEquals(TcpState.CLOSING, c.state());
        assertEquals(PEER_ISN + 2, ack.ack());
        h.in(PeerSegment.ack(PEER_ISN + 2, iss + 2), 3 * MS);
        assertEquals(TcpState.TIME_WAIT, c.state());
    }

    @Test
    void halfCloseKeepsSendingAfterThePeersFin() throws Exception {
        TcpConnection c = established();
        long iss = iss(c);
        h.in(PeerSegment.of(ACK | Tcp.FIN, PEER_ISN + 1, iss + 1), MS);
        assertEquals(TcpState.CLOSE_WAIT, c.state());
        assertTrue(c.endOfStream());
        byte[] data = new byte[300];
        assertEquals(300, c.write(MemorySegment.ofArray(data), 0, 300, 2 * MS));
        Sent seg = h.last();
        assertEquals(300, seg.payload().length);
        assertEquals(PEER_ISN + 2, seg.ack());
        c.close(false, 3 * MS);
        assertEquals(TcpState.LAST_ACK, c.state());
        assertTrue(h.last().has(Tcp.FIN));
        assertEquals(iss + 301, h.last().seq());
        h.in(PeerSegment.ack(PEER_ISN + 2, iss + 302), 4 * MS);
        assertEquals(TcpState.CLOSED, c.state());
        assertNull(c.error());
    }

    @Test
    void closeWithUnreadDataSendsRst() throws Exception {
        TcpConnection c = established();
        h.in(PeerSegment.ack(PEER_ISN + 1, iss(c) + 1).data(10), MS);
        c.close(false, 2 * MS);
        assertEquals(Tcp.RST | ACK, h.last().flags());
        assertEquals(TcpState.CLOSED, c.state());
    }

    @Test
    void lingerZeroSendsRst() throws Exception {
        TcpConnection c = established();
        c.close(true, MS);
        assertEquals(Tcp.RST | ACK, h.last().flags());
        assertEquals(iss(c) + 1, h.last().seq());
    }
}
