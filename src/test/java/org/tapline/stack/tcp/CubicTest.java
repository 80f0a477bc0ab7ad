package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * CUBIC fed ACKs in virtual time; the expected windows come from RFC 9438's equations evaluated
 * here, in segments and seconds, not from the class under test.
 */
class CubicTest {
    private static final int MSS = 1000;
    private static final long MS = 1_000_000;
    private static final long SECOND = 1_000_000_000;

    /** RFC 9438 eq. 2: K = cbrt(W_max * (1 - beta) / C), in seconds. */
    private static double k(double wMax) {
        return Math.cbrt(wMax * (1 - 0.7) / 0.4);
    }

    /** RFC 9438 eq. 1: W_cubic(t) = C * (t - K)^3 + W_max, in segments. */
    private static double wCubic(double t, double wMax) {
        return 0.4 * Math.pow(t - k(wMax), 3) + wMax;
    }

    /** A CUBIC without HyStart++ whose slow start grew it to {@code segments} and then saw a loss. */
    private static Cubic afterLossAt(int segments) {
        Cubic c = new Cubic(false);
        c.init(MSS, 0);
        while (c.cwnd() < (long) segments * MSS) {
            c.onAck(MSS, c.cwnd(), 100 * MS, 0);
        }
        assertEquals((long) segments * MSS, c.cwnd());
        c.onEnterRecovery(c.cwnd(), 0);
        c.onExitRecovery(0);
        return c;
    }

    @Test
    void initialWindowIsIw10() {
        Cubic c = new Cubic();
        c.init(1460, 0);
        assertEquals(14_600, c.cwnd(), "RFC 6928: min(10*1460, max(2920, 14600))");
        c.init(536, 0);
        assertEquals(5_360, c.cwnd());
        c.init(8960, 0);
        assertEquals(17_920, c.cwnd(), "jumbo MSS: two segments");
        assertEquals(Long.MAX_VALUE, c.ssthresh());
    }

    @Test
    void slowStartAddsTheBytesAcknowledged() {
        Cubic c = new Cubic(false);
        c.init(MSS, 0);
        for (int i = 0; i < 10; i++) {
            c.onAck(MSS, c.cwnd(), 10 * MS, i);
        }
        assertEquals(20 * MSS, c.cwnd(), "one window acknowledged doubles it");
        c.onAck(20L * MSS, c.cwnd(), 10 * MS, 11);
        assertEquals(28 * MSS, c.cwnd(), "a stretch ACK adds at most L = 8 segments (RFC 9406 §4.3)");
    }

    @Test
    void anApplicationLimitedSenderDoesNotGrowTheWindow() {
        Cubic c = new Cubic(false);
        c.init(MSS, 0);
        c.onAck(MSS, 2 * MSS, 10 * MS, 0);
        assertEquals(10 * MSS, c.cwnd());
    }

    @Test
    void lossCutsTheWindowToSevenTenths() {
        Cubic c = afterLossAt(100);
        assertEquals(70 * MSS, c.ssthresh());
        assertEquals(70 * MSS, c.cwnd());
        assertEquals(100 * MSS, c.wMax());
        assertEquals(k(100) * SECOND, c.kNanos(), 1, "K = cbrt(100 * 0.3 / 0.4) s");
    }

    @Test
    void fastConvergenceLowersWmaxWhenTheWindowFellShortOfIt() {
        Cubic c = afterLossAt(100);
        c.onEnterRecovery(c.cwnd(), 1);
        // cwnd 70 < W_max 100: W_max = 70 * (1 + 0.7) / 2 = 59.5 segments
        assertEquals(59_500, c.wMax());
        assertEquals(49_000, c.ssthresh());
        assertEquals(49_000, c.cwnd());
    }

    @Test
    void windowFollowsTheCubicCurveOneRttAhead() {
        Cubic c = afterLossAt(100);
        long rtt = 100 * MS;
        long epoch = 5 * SECOND;
        c.onAck(MSS, c.cwnd(), rtt, epoch); // the first ACK of congestion avoidance starts the epoch
        double[] times = {1.0, 2.5, k(100), k(100) + 1.0, k(100) + 2.0};
        for (double t : times) {
            long now = epoch + (long) (t * SECOND);
            double target = wCubic(t + 0.1, 100) * MSS;
            // Repeated ACKs at one instant close the gap to the target without passing it.
            for (int i = 0; i < 600; i++) {
                c.onAck(MSS, c.cwnd(), rtt, now);
                assertTrue(c.cwnd() <= target + 1, "t=" + t + " cwnd " + c.cwnd() + " above target " + target);
            }
            assertEquals(target, c.cwnd(), target * 0.01, "t=" + t + ": W_cubic(t + RTT)");
        }
    }

    @Test
    void oneAckMovesTheWindowByTheRfcsIncrement() {
        Cubic c = afterLossAt(100);
        long rtt = 100 * MS;
        c.onAck(MSS, c.cwnd(), rtt, 0);
        double w = (double) c.cwnd() / MSS;
        double t = 2.0;
        // RFC 9438 §4.4: cwnd += (target - cwnd) / cwnd per segment acknowledged
        double target = Math.min(Math.max(wCubic(t + 0.1, 100), w), 1.5 * w);
        double expected = (w + (target - w) / w) * MSS;
        c.onAck(MSS, c.cwnd(), rtt, (long) (t * SECOND));
        assertEquals(expected, c.cwnd(), 1.0);
    }

    @Test
    void aShortRttKeepsTheWindowInTheRenoFriendlyRegion() {
        Cubic c = afterLossAt(100);
        double alpha = 3 * (1 - 0.7) / (1 + 0.7);
        double west = 70;
        long now = 0;
        for (int i = 0; i < 1000; i++) {
            west += alpha / west; // RFC 9438 eq. 4 per segment acknowledged, cwnd = W_est each time
            now += MS / (long) west; // a 1 ms RTT: one window of ACKs per millisecond
            c.onAck(MSS, c.cwnd(), MS, now);
        }
        double t = (double) now / SECOND;
        assertTrue(wCubic(t, 100) < west, "W_cubic " + wCubic(t, 100) + " below W_est " + west);
        assertEquals(west * MSS, c.cwnd(), 1.0);
    }

    @Test
    void timeoutLeavesOneSegmentAndRepeatedTimeoutsKeepSsthresh() {
        Cubic c = new Cubic(false);
        c.init(MSS, 0);
        while (c.cwnd() < 40 * MSS) {
            c.onAck(MSS, c.cwnd(), 10 * MS, 0);
        }
        c.onTimeout(40 * MSS, 1);
        assertEquals(MSS, c.cwnd(), "RFC 5681 §3.1: the loss window");
        assertEquals(28 * MSS, c.ssthresh(), "RFC 9438 §4.8: beta_cubic, not one half");
        assertEquals(40 * MSS, c.wMax());
        c.onTimeout(MSS, 2);
        assertEquals(28 * MSS, c.ssthresh(), "the same data timed out again: ssthresh held");
        c.onAck(MSS, MSS, -1, 3);
        assertEquals(2 * MSS, c.cwnd(), "slow start again");
        c.onTimeout(2 * MSS, 4);
        assertEquals(2 * MSS, c.ssthresh(), "a new timeout after progress: never below 2 segments");
    }

    @Test
    void idleRestartReturnsToTheInitialWindow() {
        Cubic c = afterLossAt(100);
        c.onIdleRestart(10 * SECOND);
        assertEquals(10 * MSS, c.cwnd(), "RFC 5681 §4.1: min(IW, cwnd)");
        assertEquals(70 * MSS, c.ssthresh());
        Cubic small = new Cubic(false);
        small.init(MSS, 0);
        small.onTimeout(10 * MSS, 1);
        small.onIdleRestart(2);
        assertEquals(MSS, small.cwnd());
    }

    @Test
    void hystartLeavesSlowStartWhenTheRttRises() {
        Cubic c = new Cubic(true);
        c.init(MSS, 0);
        long now = 0;
        int round = 0;
        long cwndAtCss = -1;
        while (c.ssthresh() == Long.MAX_VALUE && round < 40) {
            long rtt = round < 4 ? 20 * MS : 40 * MS; // the queue fills from round 4
            long window = c.cwnd();
            for (long sent = 0; sent < window && c.ssthresh() == Long.MAX_VALUE; sent += MSS) {
                c.onAck(MSS, c.cwnd(), rtt + sent / MSS * 1000, now);
                if (cwndAtCss < 0 && c.inConservativeSlowStart()) {
                    cwndAtCss = c.cwnd();
                }
            }
            now += rtt;
            round++;
        }
        assertTrue(cwndAtCss > 0, "conservative slow start entered");
        assertTrue(c.ssthresh() < Long.MAX_VALUE, "slow start ended without a loss");
        assertEquals(c.ssthresh(), c.cwnd());
        // five CSS rounds grow a quarter as fast as slow start: at most (1 + 1/4)^6 times
        assertTrue(c.cwnd() < cwndAtCss * 4, c.cwnd() + " vs " + cwndAtCss);
        assertFalse(c.inConservativeSlowStart());
        long before = c.cwnd();
        c.onAck(MSS, c.cwnd(), 40 * MS, now + 1);
        assertTrue(c.cwnd() - before < MSS, "congestion avoidance now");
    }

    @Test
    void hystartReturnsToSlowStartWhenTheRttFallsBack() {
        Cubic c = new Cubic(true);
        c.init(MSS, 0);
        long now = 0;
        boolean sawCss = false;
        for (int round = 0; round < 8; round++) {
            long rtt = round == 3 ? 40 * MS : 20 * MS; // one round of queueing, then none
            long window = c.cwnd();
            for (long sent = 0; sent < window; sent += MSS) {
                c.onAck(MSS, c.cwnd(), rtt, now);
                sawCss |= c.inConservativeSlowStart();
            }
            now += rtt;
        }
        assertTrue(sawCss);
        assertFalse(c.inConservativeSlowStart(), "RFC 9406: the baseline was beaten, slow start resumes");
        assertEquals(Long.MAX_VALUE, c.ssthresh());
    }
}
