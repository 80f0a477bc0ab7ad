package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Tcp;
import org.tapline.stack.tcp.TcpHarness.Sent;

/**
 * RFC 9293's state machine fed segments in virtual time: each test sends segments at given
 * times and checks exactly which segments come back (smoltcp's way).
 */
class TcpStateMachineTest {
    static final long MS = 1_000_000L;
    static final long PEER_ISN = 1000;
    static final int ACK = Tcp.ACK_FLAG;

    final TcpHarness h = new TcpHarness();

    /** A passive open through the handshake with timestamps off; returns the connection. */
    TcpConnection established() throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 8);
        List<Sent> synAck = h.in(PeerSegment.syn(PEER_ISN).mss(1460), 0);
        assertEquals(1, synAck.size());
        long iss = synAck.get(0).seq();
        assertEquals(List.of(), h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1), 0));
        TcpConnection c = l.accept();
        assertNotNull(c);
        return c;
    }

    long iss(TcpConnection c) {
        return c.iss;
    }

    @Test
    void synToAClosedPortGetsRstAck() throws Exception {
        List<Sent> out = h.in(PeerSegment.syn(PEER_ISN).ports(40000, 81), 0);
        assertEquals(1, out.size());
        Sent rst = out.get(0);
        assertEquals(Tcp.RST | ACK, rst.flags());
        assertEquals(0, rst.seq());
        assertEquals(PEER_ISN + 1, rst.ack(), "RFC 9293 §3.10.7.1: ACK = SEG.SEQ + SEG.LEN");
        assertEquals(1, h.tcp.counters().outRsts);
    }

    @Test
    void ackToAClosedPortGetsRstAtItsAck() throws Exception {
        Sent rst = h.in(PeerSegment.ack(5, 777).data(10), 0).get(0);
        assertEquals(Tcp.RST, rst.flags());
        assertEquals(777, rst.seq());
    }

    @Test
    void rstToAClosedPortIsIgnored() throws Exception {
        assertEquals(List.of(), h.in(PeerSegment.of(Tcp.RST, 5, 0), 0));
    }

    @Test
    void synAckAnswersOnlyTheOptionsTheSynOffered() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 8);
        Sent plain = h.in(PeerSegment.syn(PEER_ISN), 0).get(0);
        assertEquals(Tcp.SYN | ACK, plain.flags());
        assertEquals(PEER_ISN + 1, plain.ack());
        assertEquals(1460, plain.opts().mss);
        assertEquals(-1, plain.opts().ws);
        assertFalse(plain.opts().ts);
        assertFalse(plain.opts().sackOk);
        Sent full = h.in(PeerSegment.syn(PEER_ISN).ports(40001, 80).mss(1400).sackOk().ts(555, 0).ws(7), 0).get(0);
        assertEquals(5, full.opts().ws, "a 1 MiB buffer needs a shift of 5");
        assertTrue(full.opts().sackOk);
        assertTrue(full.opts().ts);
        assertEquals(555, full.opts().tsEcr);
        assertEquals(65535, full.window(), "RFC 7323 §2.2: a SYN's window is not scaled");
    }

    @Test
    void handshakeEstablishesAndCounts() throws Exception {
        TcpConnection c = established();
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, h.tcp.counters().passiveOpens);
        assertEquals(1, h.tcp.counters().currEstab);
    }

    @Test
    void ackOfSomethingElseInSynReceivedGetsRst() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 8);
        long iss = h.in(PeerSegment.syn(PEER_ISN), 0).get(0).seq();
        Sent rst = h.in(PeerSegment.ack(PEER_ISN + 1, iss + 5), 0).get(0);
        assertEquals(Tcp.RST, rst.flags());
        assertEquals(iss + 5, rst.seq());
    }

    @Test
    void retransmittedSynInSynReceivedGetsTheSynAckAgain() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 8);
        Sent first = h.in(PeerSegment.syn(PEER_ISN), 0).get(0);
        Sent again = h.in(PeerSegment.syn(PEER_ISN), 10 * MS).get(0);
        assertEquals(first.seq(), again.seq());
        assertEquals(Tcp.SYN | ACK, again.flags());
    }

    @Test
    void rstAtRcvNxtResets() throws Exception {
        TcpConnection c = established();
        assertEquals(List.of(), h.in(PeerSegment.of(Tcp.RST, PEER_ISN + 1, 0), MS));
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(TcpError.RESET, c.error());
        assertEquals(1, h.tcp.counters().estabResets);
        assertEquals(0, h.tcp.counters().currEstab);
    }

    @Test
    void rstInTheWindowButNotAtRcvNxtGetsAChallengeAck() throws Exception {
        TcpConnection c = established();
        List<Sent> out = h.in(PeerSegment.of(Tcp.RST, PEER_ISN + 100, 0), MS);
        assertEquals(1, out.size());
        assertEquals(ACK, out.get(0).flags());
        assertEquals(PEER_ISN + 1, out.get(0).ack());
        assertEquals(iss(c) + 1, out.get(0).seq());
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, h.tcp.counters().challengeAcks);
    }

    @Test
    void rstOutsideTheWindowIsDropped() throws Exception {
        TcpConnection c = established();
        assertEquals(List.of(), h.in(PeerSegment.of(Tcp.RST, PEER_ISN + 1 + (4 << 20), 0), MS));
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void synInEstablishedGetsAChallengeAck() throws Exception {
        TcpConnection c = established();
        List<Sent> out = h.in(PeerSegment.syn(PEER_ISN + 1), MS);
        assertEquals(1, out.size());
        assertEquals(ACK, out.get(0).flags());
        assertEquals(TcpState.ESTABLISHED, c.state(), "RFC 5961 §4: no reset on a SYN");
    }

    @Test
    void challengeAcksAreLimitedToAThousandASecond() throws Exception {
        established();
        int sent = 0;
        for (int i = 0; i < 1200; i++) {
            sent += h.in(PeerSegment.of(Tcp.RST, PEER_ISN + 50, 0), 2_000 * MS).size();
        }
        assertEquals(TcpTransport.CHALLENGE_ACKS_PER_SECOND, sent);
        assertEquals(1, h.in(PeerSegment.of(Tcp.RST, PEER_ISN + 50, 0), 3_000 * MS).size(), "a new second");
    }

    @Test
    void ackOfUnsentDataIsAnsweredWithAnAckAndDropped() throws Exception {
        TcpConnection c = established();
        List<Sent> out = h.in(PeerSegment.ack(PEER_ISN + 1, iss(c) + 500).data(10), MS);
        assertEquals(1, out.size());
        assertEquals(PEER_ISN + 1, out.get(0).ack(), "the data was not taken");
        assertEquals(0, c.readable());
    }

    @Test
    void segmentsOutsideTheWindowGetAnAck() throws Exception {
        TcpConnection c = established();
        List<Sent> out = h.in(PeerSegment.ack(PEER_ISN - 2000, iss(c) + 1).data(100), MS);
        assertEquals(1, out.size());
        assertEquals(PEER_ISN + 1, out.get(0).ack());
    }

    @Test
    void dataIsAcknowledgedAfterFortyMillisecondsOrOnTheSecondFullSegment() throws Exception {
        TcpConnection c = established();
        assertEquals(List.of(), h.in(PeerSegment.ack(PEER_ISN + 1, iss(c) + 1).data(100), 100 * MS));
        List<Sent> delayed = h.advance(200 * MS);
        assertEquals(1, delayed.size());
        assertEquals(140 * MS, delayed.get(0).at(), "Linux's 40 ms delayed ACK");
        assertEquals(PEER_ISN + 101, delayed.get(0).ack());
        assertEquals(List.of(), h.in(PeerSegment.ack(PEER_ISN + 101, iss(c) + 1).data(1460), 300 * MS));
        List<Sent> second = h.in(PeerSegment.ack(PEER_ISN + 1561, iss(c) + 1).data(1460), 301 * MS);
        assertEquals(1, second.size(), "the second full segment is acknowledged at once");
        assertEquals(PEER_ISN + 3021, second.get(0).ack());
    }

    @Test
    void outOfOrderDataIsAcknowledgedAtOnceWithSackBlocksMostRecentFirst() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 8);
        long iss = h.in(PeerSegment.syn(PEER_ISN).mss(1460).sackOk(), 0).get(0).seq();
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1), 0);
        long base = PEER_ISN + 1;
        Sent first = h.in(PeerSegment.ack(base + 1000, iss + 1).data(500), MS).get(0);
        assertEquals(base, first.ack());
        assertEquals(1, first.opts().sack.size());
        assertEquals(base + 1000, first.opts().sack.get(0)[0]);
        assertEquals(base + 1500, first.opts().sack.get(0)[1]);
        Sent second = h.in(PeerSegment.ack(base + 3000, iss + 1).data(100), 2 * MS).get(0);
        assertEquals(2, second.opts().sack.size());
        assertEquals(base + 3000, second.opts().sack.get(0)[0], "RFC 2018 §4: the latest block first");
        assertEquals(base + 1000, second.opts().sack.get(1)[0]);
        Sent filled = h.in(PeerSegment.ack(base, iss + 1).data(1000), 3 * MS).get(0);
        assertEquals(base + 1500, filled.ack(), "the hole filled joins the first island");
        assertEquals(1, filled.opts().sack.size());
        TcpConnection c = h.tcp.find(TcpHarness.US, 80, TcpHarness.PEER, 40000);
        assertEquals(1500, c.readable());
    }

    @Test
    void pawsDropsAnOldTimestamp() throws Exception {
        h.tcp.listen(TcpHarness.US, 80, 8);
        long iss = h.in(PeerSegment.syn(PEER_ISN).ts(1000, 0), 0).get(0).seq();
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1).ts(1001, 0), 0);
        TcpConnection c = h.tcp.find(TcpHarness.US, 80, TcpHarness.PEER, 40000);
        List<Sent> out = h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1).ts(900, 0).data(10), MS);
        assertEquals(1, out.size());
        assertEquals(0, c.readable(), "RFC 7323 §5.3: not taken");
        assertEquals(1, h.tcp.counters().pawsDropped);
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1).ts(1002, 0).data(10), 2 * MS);
        assertEquals(10, c.readable());
        assertEquals(1002, c.tsRecent);
    }

    @Test
    void activeOpenSendsSynWithOptionsAndAcksTheSynAck() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        Sent syn = h.last();
        assertEquals(Tcp.SYN, syn.flags());
        assertEquals(1460, syn.opts().mss);
        assertEquals(5, syn.opts().ws);
        assertTrue(syn.opts().sackOk && syn.opts().ts);
        List<Sent> out = h.in(PeerSegment.of(Tcp.SYN | ACK, 7000, syn.seq() + 1).ports(80, c.localPort()).mss(1200).ws(2), 50 * MS);
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, out.size());
        assertEquals(ACK, out.get(0).flags());
        assertEquals(7001, out.get(0).ack());
        assertEquals(1200, c.mss, "the peer's MSS, no timestamps as it did not answer them");
        assertEquals(2, c.sndShift);
        assertEquals(50 * MS, c.rtt.srtt(), "the handshake gives the first RTT sample");
    }

    @Test
    void rstAckAnsweringOurSynRefuses() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        long iss = h.last().seq();
        assertEquals(List.of(), h.in(PeerSegment.of(Tcp.RST | ACK, 0, iss + 1).ports(80, c.localPort()), MS));
        assertEquals(TcpError.REFUSED, c.error());
        assertEquals(1, h.tcp.counters().attemptFails);
        assertEquals(0, h.tcp.connectionCount());
    }

    @Test
    void badAckInSynSentGetsRstAndRstWithoutAckIsIgnored() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        long iss = h.last().seq();
        Sent rst = h.in(PeerSegment.of(Tcp.SYN | ACK, 7000, iss + 9).ports(80, c.localPort()), MS).get(0);
        assertEquals(Tcp.RST, rst.flags());
        assertEquals(iss + 9, rst.seq());
        assertEquals(List.of(), h.in(PeerSegment.of(Tcp.RST, 0, 0).ports(80, c.localPort()), MS));
        assertEquals(TcpState.SYN_SENT, c.state());
    }

    @Test
    void simultaneousOpen() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        long iss = h.last().seq();
        Sent synAck = h.in(PeerSegment.syn(7000).ports(80, c.localPort()), MS).get(0);
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        assertEquals(Tcp.SYN | ACK, synAck.flags());
        assertEquals(iss, synAck.seq(), "the same ISS again");
        assertEquals(7001, synAck.ack());
        h.in(PeerSegment.of(Tcp.SYN | ACK, 7000, iss + 1).ports(80, c.localPort()), 2 * MS);
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, h.tcp.counters().activeOpens);
    }

    @Test
    void nagleHoldsASecondSmallSegmentUntilTheAck() throws Exception {
        TcpConnection c = established();
        long iss = iss(c);
        MemorySegment d = MemorySegment.ofArray(new byte[100]);
        int mark = h.sent.size();
        c.write(d, 0, 100, MS);
        c.write(d, 0, 100, MS);
        assertEquals(1, h.since(mark).size(), "RFC 9293 §3.7.4: one small segment outstanding");
        List<Sent> after = h.in(PeerSegment.ack(PEER_ISN + 1, iss + 101), 2 * MS);
        assertEquals(1, after.size());
        assertEquals(iss + 101, after.get(0).seq());
        c.setNoDelay(true, 3 * MS);
        mark = h.sent.size();
        c.write(d, 0, 100, 3 * MS);
        c.write(d, 0, 100, 3 * MS);
        assertEquals(2, h.since(mark).size(), "TCP_NODELAY sends at once");
    }

    @Test
    void mssFollowsThePathMtuAndPacketTooBig() throws Exception {
        h.mtu = 9000;
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        assertEquals(8960, h.last().opts().mss);
        long iss = h.last().seq();
        h.in(PeerSegment.of(Tcp.SYN | ACK, 7000, iss + 1).ports(80, c.localPort()).mss(8960), MS);
        c.setNoDelay(true, MS);
        c.write(MemorySegment.ofArray(new byte[20000]), 0, 20000, 2 * MS);
        assertEquals(8960, h.last().payload().length);
        org.tapline.stack.ip.Datagram quoted = new org.tapline.stack.ip.Datagram();
        quoted.source = TcpHarness.US;
        quoted.destination = TcpHarness.PEER;
        byte[] q = new PeerSegment().ports(c.localPort(), 80).bytes(TcpHarness.US, TcpHarness.PEER);
        java.nio.ByteBuffer.wrap(q).putInt(4, (int) (iss + 1));
        quoted.segment = MemorySegment.ofArray(q);
        quoted.length = q.length;
        int mark = h.sent.size();
        h.tcp.error(org.tapline.stack.ip.IcmpProblem.PACKET_TOO_BIG, 1500, quoted, 3 * MS);
        List<Sent> resent = h.since(mark);
        assertFalse(resent.isEmpty());
        assertEquals(iss + 1, resent.get(0).seq());
        assertEquals(1460, resent.get(0).payload().length);
    }

    @Test
    void portUnreachableWhileOpeningRefuses() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        long iss = h.last().seq();
        org.tapline.stack.ip.Datagram quoted = new org.tapline.stack.ip.Datagram();
        quoted.source = TcpHarness.US;
        quoted.destination = TcpHarness.PEER;
        byte[] q = new PeerSegment().ports(c.localPort(), 80).bytes(TcpHarness.US, TcpHarness.PEER);
        java.nio.ByteBuffer.wrap(q).putInt(4, (int) iss);
        quoted.segment = MemorySegment.ofArray(q);
        quoted.length = 8;
        h.tcp.error(org.tapline.stack.ip.IcmpProblem.HOST_UNREACHABLE, 0, quoted, MS);
        assertEquals(TcpState.SYN_SENT, c.state(), "RFC 1122: host unreachable is soft");
        h.tcp.error(org.tapline.stack.ip.IcmpProblem.PORT_UNREACHABLE, 0, quoted, MS);
        assertEquals(TcpError.REFUSED, c.error());
    }
}
