package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.Tcp;
import org.tapline.stack.tcp.TcpHarness.Sent;

/** Retransmission, RTO backoff and Karn's rule, zero-window probes, keep-alive, SYN retries, in virtual time. */
class TcpTimersTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final long PEER_ISN = 1000;

    final TcpHarness h = new TcpHarness();

    /** Established at time 0 through a handshake whose RTT was {@code rtt}. */
    TcpConnection established(long rtt, int window) throws Exception {
        TcpListener l = h.tcp.listen(TcpHarness.US, 80, 8);
        long iss = h.in(PeerSegment.syn(PEER_ISN).mss(1460), 0).get(0).seq();
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1).window(window), rtt);
        TcpConnection c = l.accept();
        assertNotNull(c);
        return c;
    }

    static MemorySegment bytes(int n) {
        return MemorySegment.ofArray(new byte[n]);
    }

    @Test
    void estimatorFollowsRfc6298() {
        RttEstimator r = new RttEstimator();
        assertEquals(RttEstimator.INITIAL_RTO, r.rto());
        r.sample(100 * MS);
        assertEquals(100 * MS, r.srtt());
        assertEquals(50 * MS, r.rttvar());
        assertEquals(300 * MS, r.rto(), "SRTT + 4 RTTVAR");
        r.sample(200 * MS);
        assertEquals(62_500_000L, r.rttvar(), "3/4 * 50 + 1/4 * |100 - 200|, with the old SRTT");
        assertEquals(112_500_000L, r.srtt(), "7/8 * 100 + 1/8 * 200");
        assertEquals(362_500_000L, r.rto());
        for (int i = 0; i < 50; i++) {
            r.sample(MS);
        }
        assertEquals(RttEstimator.MIN_RTO, r.rto(), "Linux's 200 ms floor");
        for (int i = 0; i < 20; i++) {
            r.backoff();
        }
        assertEquals(RttEstimator.MAX_RTO, r.rto(), "120 s ceiling");
    }

    @Test
    void synRetransmitsWithBackoffThenTimesOut() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 1 << 20, 1 << 20, 0);
        List<Sent> out = h.advance(200 * S);
        long[] at = out.stream().mapToLong(Sent::at).toArray();
        assertEquals(List.of(1L, 3L, 7L, 15L, 31L, 63L), java.util.Arrays.stream(at).map(t -> t / S).boxed().toList(),
                "six retries at 1, 2, 4, 8, 16, 32 s intervals (Linux tcp_syn_retries)");
        assertTrue(out.stream().allMatch(s -> s.flags() == Tcp.SYN));
        assertEquals(TcpError.TIMED_OUT, c.error());
        assertEquals(TcpState.CLOSED, c.state());
    }

    @Test
    void dataIsRetransmittedOnTimeoutAndKarnKeepsTheBackoff() throws Exception {
        TcpConnection c = established(100 * MS, 65535);
        long iss = c.iss;
        long rto = c.rtt.rto();
        assertEquals(300 * MS, rto, "from the handshake's 100 ms sample");
        c.write(bytes(500), 0, 500, S);
        Sent first = h.last();
        List<Sent> again = h.advance(S + rto);
        assertEquals(1, again.size());
        assertEquals(first.seq(), again.get(0).seq());
        assertEquals(500, again.get(0).payload().length);
        assertEquals(2 * rto, c.rtt.rto(), "backed off");
        assertEquals(1, h.tcp.counters().retransSegs);
        // the ACK may be for either transmission: no sample (Karn), the backed-off RTO stays
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 501), S + rto + 150 * MS);
        assertEquals(100 * MS, c.rtt.srtt());
        assertEquals(2 * rto, c.rtt.rto());
        // a fresh segment gives a sample again
        c.write(bytes(100), 0, 100, 2 * S);
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 601), 2 * S + 100 * MS);
        assertEquals(250 * MS, c.rtt.rto(), "100 ms + 4 * (3/4 * 50 ms): the backoff is gone");
    }

    @Test
    void timeoutCutsTheWindowToOneSegment() throws Exception {
        TcpConnection c = established(10 * MS, 65535);
        c.write(bytes(30000), 0, 30000, S);
        assertEquals(14600, c.cc.cwnd(), "IW10 (RFC 6928)");
        assertEquals(10, h.sent.stream().filter(s -> s.payload().length > 0).count());
        h.advance(S + c.rtt.rto());
        assertEquals(1460, c.cc.cwnd());
        assertEquals(7300, c.cc.ssthresh(), "FlightSize / 2");
    }

    @Test
    void threeDuplicateAcksRetransmitAndPartialAcksContinue() throws Exception {
        TcpConnection c = established(10 * MS, 65535);
        long iss = c.iss;
        c.write(bytes(14600), 0, 14600, S);
        for (int i = 0; i < 2; i++) {
            assertEquals(List.of(), h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1), S + MS));
        }
        List<Sent> fr = h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1), S + 2 * MS);
        assertEquals(iss + 1, fr.get(0).seq(), "fast retransmit of the first segment");
        assertTrue(c.inRecovery);
        assertEquals(7300 + 3 * 1460, c.cc.cwnd(), "RFC 6582: ssthresh + 3 SMSS");
        List<Sent> partial = h.in(PeerSegment.ack(PEER_ISN + 1, iss + 1461), S + 3 * MS);
        assertEquals(iss + 1461, partial.get(0).seq(), "a partial ACK resends the next hole");
        h.in(PeerSegment.ack(PEER_ISN + 1, iss + 14601), S + 4 * MS);
        assertTrue(!c.inRecovery);
        assertEquals(7300, c.cc.cwnd(), "recovery ends at ssthresh");
    }

    @Test
    void zeroWindowIsProbedWithBackoff() throws Exception {
        TcpConnection c = established(100 * MS, 0);
        int mark = h.sent.size();
        c.write(bytes(1000), 0, 1000, S);
        assertEquals(List.of(), h.since(mark), "nothing fits a zero window");
        List<Sent> probes = h.advance(S + 2 * S);
        assertEquals(2, probes.size());
        assertEquals(S + 300 * MS, probes.get(0).at(), "after one RTO");
        assertEquals(1, probes.get(0).payload().length, "RFC 9293 §3.8.6.1: one byte of new data");
        assertEquals(S + 900 * MS, probes.get(1).at(), "then backed off");
        // the window opens: the rest flows
        List<Sent> after = h.in(PeerSegment.ack(PEER_ISN + 1, c.iss + 2).window(65535), 4 * S);
        assertEquals(999, after.stream().mapToInt(s -> s.payload().length).sum());
    }

    @Test
    void keepAliveProbesAfterTwoHoursThenGivesUp() throws Exception {
        TcpConnection c = established(MS, 65535);
        c.setKeepAlive(true, 0);
        List<Sent> first = h.advance(7200 * S);
        assertEquals(1, first.size());
        assertEquals(c.iss, first.get(0).seq(), "SEG.SEQ = SND.UNA - 1");
        assertEquals(0, first.get(0).payload().length);
        // an answer keeps the connection alive and the idle time starts again
        h.in(PeerSegment.ack(PEER_ISN + 1, c.iss + 1), 7201 * S);
        assertEquals(List.of(), h.advance(14400 * S));
        List<Sent> probes = h.advance(20000 * S);
        assertEquals(9, probes.size(), "9 probes 75 s apart");
        assertEquals(75 * S, probes.get(1).at() - probes.get(0).at());
        assertEquals(TcpError.TIMED_OUT, c.error());
    }

    @Test
    void keepAliveIsOffByDefault() throws Exception {
        established(MS, 65535);
        assertEquals(List.of(), h.advance(100_000 * S));
    }

    @Test
    void receiverOpensItsWindowOnlyByAUsefulAmount() throws Exception {
        TcpConnection c = h.tcp.connect(TcpHarness.PEER, 80, null, 0, 8192, 8192, 0);
        long iss = h.last().seq();
        h.in(PeerSegment.of(Tcp.SYN | Tcp.ACK_FLAG, 7000, iss + 1).ports(80, c.localPort()).mss(1460), MS);
        long seq = 7001;
        for (int i = 0; i < 8; i++) {
            h.in(PeerSegment.ack(seq, iss + 1).ports(80, c.localPort()).data(1024), 2 * MS);
            seq += 1024;
        }
        h.advance(100 * MS);
        assertEquals(0, h.last().window(), "a full buffer announces a zero window");
        int mark = h.sent.size();
        MemorySegment sink = bytes(8192);
        c.read(sink, 0, 100, 200 * MS);
        assertEquals(List.of(), h.since(mark), "RFC 9293 §3.8.6.2.2: 100 bytes are not worth announcing");
        c.read(sink, 0, 1500, 201 * MS);
        List<Sent> update = h.since(mark);
        assertEquals(1, update.size());
        assertEquals(1600, update.get(0).window(), "min(RCV.BUFF/2, MSS) passed: the window opens");
    }

    @Test
    void senderWaitsForAUsefulWindow() throws Exception {
        TcpConnection c = established(MS, 1000);
        c.setNoDelay(true, S);
        c.write(bytes(5000), 0, 5000, S);
        assertEquals(1000, h.last().payload().length, "the whole (largest) window");
        int mark = h.sent.size();
        h.in(PeerSegment.ack(PEER_ISN + 1, c.iss + 1001).window(300), S + MS);
        assertEquals(List.of(), h.since(mark), "RFC 9293 §3.8.6.2.1: 300 < half the largest window seen");
        List<Sent> forced = h.advance(S + MS + c.rtt.rto());
        assertEquals(1, forced.size(), "the persist timer overrides the wait");
        assertEquals(S + MS + c.rtt.rto(), forced.get(0).at());
        assertEquals(300, forced.get(0).payload().length);
    }

    @Test
    void orphanedFinWait2EndsAfterSixtySeconds() throws Exception {
        TcpConnection c = established(MS, 65535);
        c.close(false, S);
        h.in(PeerSegment.ack(PEER_ISN + 1, c.iss + 2), S + MS);
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        h.advance(60 * S);
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        h.advance(62 * S);
        assertEquals(TcpState.CLOSED, c.state());
    }
}
