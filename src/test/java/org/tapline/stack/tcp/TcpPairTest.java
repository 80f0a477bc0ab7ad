package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;

import org.junit.jupiter.api.Test;

/** Two stacks in virtual time move data through each other, with and without loss. */
class TcpPairTest {
    private static final long MS = 1_000_000L;

    /** Sends {@code size} bytes A -> B, closes, and checks B read them all (by SHA-256) and both ends closed. */
    private static TcpPair transfer(int size, double loss, long seed) throws Exception {
        TcpPair p = new TcpPair(MS, loss, seed);
        p.nanosPerByte = 1; // 1 GB/s
        TcpListener l = p.b.listen(TcpPair.B, 5001, 16);
        TcpConnection client = p.a.connect(TcpPair.B, 5001, null, 0, 1 << 20, 1 << 20, 0);
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        MemorySegment src = MemorySegment.ofArray(data);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        sent.update(data);
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        MemorySegment dst = MemorySegment.ofArray(buf);
        long[] written = {0};
        long[] read = {0};
        TcpConnection[] server = {null};
        boolean[] eof = {false};
        Runnable app = () -> {
            if (server[0] == null) {
                server[0] = l.accept();
            }
            while (written[0] < size && client.canWrite()) {
                int n = client.write(src, written[0], (int) Math.min(65536, size - written[0]), p.now);
                if (n == 0) {
                    break;
                }
                written[0] += n;
                if (written[0] == size) {
                    client.close(false, p.now);
                }
            }
            if (server[0] != null) {
                int n;
                while ((n = server[0].read(dst, 0, buf.length, p.now)) > 0) {
                    got.update(buf, 0, n);
                    read[0] += n;
                }
                if (!eof[0] && server[0].endOfStream() && server[0].readable() == 0) {
                    eof[0] = true;
                    server[0].close(false, p.now);
                }
            }
        };
        boolean done = p.run(app, () -> eof[0] && client.state() == TcpState.TIME_WAIT
                && server[0].state() == TcpState.CLOSED, 600_000 * MS);
        assertTrue(done, "transfer did not finish: read " + read[0] + " of " + size + ", client " + client
                + ", server " + server[0] + " " + report(p));
        assertNotNull(server[0]);
        assertEquals(size, read[0]);
        assertArrayEquals(sent.digest(), got.digest());
        return p;
    }

    private static String report(TcpPair p) {
        StringBuilder b = new StringBuilder();
        p.a.report(b);
        p.b.report(b);
        return b.toString();
    }

    @Test
    void tenMegabytesWithoutLoss() throws Exception {
        TcpPair p = transfer(10 << 20, 0, 1);
        assertEquals(0, p.a.counters().retransSegs, report(p));
        assertEquals(1, p.a.counters().activeOpens);
        assertEquals(1, p.b.counters().passiveOpens);
    }

    @Test
    void tenMegabytesAtOnePercentLoss() throws Exception {
        TcpPair p = transfer(10 << 20, 0.01, 2);
        assertTrue(p.a.counters().retransSegs > 0, report(p));
    }

    @Test
    void twoMegabytesAtFivePercentLoss() throws Exception {
        transfer(2 << 20, 0.05, 3);
    }
}
