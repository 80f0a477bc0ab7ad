package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Tcp;
import org.tapline.stack.tcp.TcpHarness.Sent;

/** The listen backlog, the accept queue and SYN cookies (RFC 4987), and the small pieces under TCP. */
class TcpListenerTest {
    static final long MS = 1_000_000L;

    final TcpHarness h = new TcpHarness();

    @Test
    void fullSynQueueAnswersWithACookieAndItsAckMakesTheConnection() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 1);
        Sent normal = h.in(PeerSegment.syn(1000).ports(40000, 80).mss(1460).ts(5, 0).ws(7), 0).get(0);
        assertTrue(normal.opts().ts);
        Sent cookie = h.in(PeerSegment.syn(5000).ports(40001, 80).mss(1460).ts(5, 0).ws(7), MS).get(0);
        assertEquals(Tcp.SYN | Tcp.ACK_FLAG, cookie.flags());
        assertEquals(5001, cookie.ack());
        assertEquals(1460, cookie.opts().mss);
        assertFalse(cookie.opts().ts, "a cookie carries the MSS only");
        assertEquals(-1, cookie.opts().ws);
        assertEquals(1, h.tcp.counters().synCookiesSent);
        assertEquals(1, h.tcp.connectionCount(), "no state kept for the cookie");
        // a forged ACK is refused with RST
        Sent rst = h.in(PeerSegment.ack(5001, cookie.seq() + 77).ports(40001, 80), 2 * MS).get(0);
        assertEquals(Tcp.RST, rst.flags());
        // the real one makes an established connection, data included
        h.in(PeerSegment.ack(5001, cookie.seq() + 1).ports(40001, 80).data(20), 3 * MS);
        assertEquals(1, h.tcp.counters().synCookiesRecv);
        TcpConnection c = l.accept();
        assertNotNull(c);
        assertEquals(40001, c.remotePort());
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(20, c.readable());
        assertEquals(1460, c.mss);
    }

    @Test
    void aCookieExpiresAfterTwoTicks() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 1);
        h.in(PeerSegment.syn(1000).ports(40000, 80), 0);
        Sent cookie = h.in(PeerSegment.syn(5000).ports(40001, 80), 0).get(0);
        List<Sent> late = h.in(PeerSegment.ack(5001, cookie.seq() + 1).ports(40001, 80), 200_000 * MS);
        assertEquals(Tcp.RST, late.get(0).flags());
    }

    @Test
    void fullAcceptQueueDropsSynsAndAcks() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 1);
        long iss = h.in(PeerSegment.syn(1000).ports(40000, 80), 0).get(0).seq();
        h.in(PeerSegment.ack(1001, iss + 1).ports(40000, 80), 0);
        assertEquals(1, l.queued());
        assertEquals(List.of(), h.in(PeerSegment.syn(2000).ports(40001, 80), 0));
        assertEquals(1, h.tcp.counters().listenDrops);
        assertNotNull(l.accept());
        assertNull(l.accept());
        assertEquals(1, h.in(PeerSegment.syn(2000).ports(40001, 80), MS).size(), "room again");
    }

    @Test
    void closingTheListenerResetsWhatWasNotAccepted() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 4);
        long iss = h.in(PeerSegment.syn(1000).ports(40000, 80), 0).get(0).seq();
        h.in(PeerSegment.ack(1001, iss + 1).ports(40000, 80), 0);
        l.close(MS);
        assertEquals(Tcp.RST | Tcp.ACK_FLAG, h.last().flags());
        assertEquals(0, h.tcp.connectionCount());
        assertEquals(Tcp.RST | Tcp.ACK_FLAG, h.in(PeerSegment.syn(3000).ports(40002, 80), 2 * MS).get(0).flags());
    }

    @Test
    void aNewSynEndsTimeWait() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 4);
        long iss = h.in(PeerSegment.syn(1000).ports(40000, 80), 0).get(0).seq();
        h.in(PeerSegment.ack(1001, iss + 1).ports(40000, 80), 0);
        TcpConnection old = l.accept();
        old.close(false, MS);
        h.in(PeerSegment.of(Tcp.FIN | Tcp.ACK_FLAG, 1001, iss + 2).ports(40000, 80), 2 * MS);
        assertEquals(TcpState.TIME_WAIT, old.state());
        // an old duplicate SYN gets an ACK; one past the old sequence space opens anew (RFC 6191)
        assertEquals(Tcp.ACK_FLAG, h.in(PeerSegment.syn(900).ports(40000, 80), 3 * MS).get(0).flags());
        Sent synAck = h.in(PeerSegment.syn(90000).ports(40000, 80), 4 * MS).get(0);
        assertEquals(Tcp.SYN | Tcp.ACK_FLAG, synAck.flags());
        assertEquals(90001, synAck.ack());
        assertEquals(TcpState.CLOSED, old.state());
    }

    @Test
    void reportHasALinePerSocketThenTheCounters() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 4);
        long iss = h.in(PeerSegment.syn(1000).ports(40000, 80).mss(1460), 0).get(0).seq();
        h.in(PeerSegment.ack(1001, iss + 1).ports(40000, 80), 20 * MS);
        StringBuilder b = new StringBuilder();
        h.tcp.report(b);
        List<String> lines = b.toString().lines().toList();
        assertEquals(3, lines.size(), b.toString());
        assertEquals("LISTEN 1 10.0.0.1:80", lines.get(0));
        assertEquals("ESTAB 10.0.0.1:80 10.0.0.2:40000 mss:1460 cwnd:10 rtt:20.000/10.000 rto:200.000"
                + " retrans:0/0 unacked:0 rcv_space:1048576", lines.get(1));
        assertTrue(lines.get(2).startsWith("Tcp: ActiveOpens 0 PassiveOpens 1 AttemptFails 0 EstabResets 0 CurrEstab 1 InSegs 2 OutSegs 1"),
                lines.get(2));
        assertNotNull(l);
    }

    @Test
    void aPortTakenTwiceIsRefused() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 4);
        assertThrows(java.net.BindException.class, () -> h.tcp.listen(TcpHarness.US, 80, 4));
    }

    @Test
    void wildcardListenerTakesConnectionsToAnyAddress() throws Exception {
        h.tcp.listen(org.tapline.stack.ip.IpAddress.ANY_V4, 80, 4);
        assertEquals(Tcp.SYN | Tcp.ACK_FLAG, h.in(PeerSegment.syn(1000), 0).get(0).flags());
    }

    @Test
    void sequenceArithmeticWraps() throws Exception {
        assertTrue(Seq.lt(0xffff_fff0L, 0x10));
        assertTrue(Seq.gt(0x10, 0xffff_fff0L));
        assertEquals(0x10, Seq.add(0xffff_fff0L, 0x20));
        assertEquals(0x20, Seq.diff(0x10, 0xffff_fff0L));
        assertTrue(Seq.inRange(2, 0xffff_fff0L, 5));
    }

    @Test
    void ringKeepsDataAheadAcrossReadsAndGrowth() throws Exception {
        ReceiveQueue q = new ReceiveQueue(1 << 16);
        byte[] all = new byte[20000];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i * 7);
        }
        MemorySegment src = MemorySegment.ofArray(all);
        long base = 0xffff_ff00L; // across the wrap of sequence numbers
        assertEquals(0, q.accept(Seq.add(base, 10000), src, 10000, 10000, base));
        assertEquals(1, q.islands());
        assertEquals(20000, q.accept(base, src, 0, 10000, base), "the hole filled joins the island");
        byte[] out = new byte[20000];
        assertEquals(20000, q.ring().read(MemorySegment.ofArray(out), 0, 20000));
        assertEquals(java.util.Arrays.toString(all), java.util.Arrays.toString(out));
        long next = Seq.add(base, 20000);
        assertEquals(0, q.accept(Seq.add(next, 100), src, 0, 50, next), "ahead after the ring emptied");
        assertEquals(150, q.accept(next, src, 0, 100, next));
    }

    @Test
    void isnsDifferPerConnectionAndAdvanceWithTheClock() throws Exception {
        IsnSource s = new IsnSource(1, 2);
        org.tapline.stack.ip.IpAddress a = TcpHarness.US;
        org.tapline.stack.ip.IpAddress b = TcpHarness.PEER;
        long one = s.isn(a, 1, b, 80, 0);
        assertTrue(one != s.isn(a, 2, b, 80, 0));
        assertEquals(Seq.add(one, 250), s.isn(a, 1, b, 80, 1_000_000), "RFC 6528: a 4 µs clock");
        assertTrue(one != new IsnSource(3, 4).isn(a, 1, b, 80, 0), "keyed");
    }
}
