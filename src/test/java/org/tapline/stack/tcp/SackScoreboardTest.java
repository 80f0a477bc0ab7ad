package org.tapline.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6675's rules one by one with concrete sequence numbers (SMSS 1000). Each scenario runs
 * twice: from sequence 1000, and from just below 2^32 so that its holes and ranges wrap.
 */
class SackScoreboardTest {
    private static final int SMSS = 1000;

    private final SackScoreboard sb = new SackScoreboard();
    private int base;

    private int s(int offset) {
        return base + offset;
    }

    private long ack(int cum, int high, int... edges) {
        int[] blocks = new int[edges.length];
        for (int i = 0; i < edges.length; i++) {
            blocks[i] = s(edges[i]);
        }
        return sb.update(s(cum), s(high), blocks, edges.length / 2);
    }

    private void start(int b) {
        base = b;
        sb.reset(s(0), SMSS);
    }

    private void assertRanges(int... edges) {
        assertEquals(edges.length / 2, sb.ranges(), "range count");
        for (int i = 0; i < edges.length / 2; i++) {
            assertEquals(s(edges[2 * i]), sb.rangeStart(i), "start of range " + i);
            assertEquals(s(edges[2 * i + 1]), sb.rangeEnd(i), "end of range " + i);
        }
    }

    private void assertSeg(SackScoreboard.Next kind, int from, int length, SackScoreboard.Next got) {
        assertEquals(kind, got);
        assertEquals(s(from), sb.segStart(), "segment start");
        assertEquals(length, sb.segLength(), "segment length");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void blocksMergeAndOldOrBogusOnesAreIgnored(int b) {
        start(b);
        assertEquals(1000, ack(0, 10_000, 2000, 3000));
        assertEquals(1000, ack(0, 10_000, 3000, 4000), "adjacent: merged");
        assertRanges(2000, 4000);
        assertEquals(2000, ack(0, 10_000, 5000, 6000, 3500, 4500, 7000, 7500));
        assertRanges(2000, 4500, 5000, 6000, 7000, 7500);
        assertEquals(0, ack(0, 10_000, 5000, 6000, 9000, 11_000, 8000, 8000, 9500, 9000),
                "repeated, beyond HighData, empty, reversed");
        assertEquals(1500, ack(0, 10_000, 4000, 7000), "one block filling two holes");
        assertRanges(2000, 7500);
        assertEquals(s(7500), sb.highestSacked());
        ack(2000, 10_000, 2000, 7500);
        assertRanges(2000, 7500);
        ack(7500, 10_000);
        assertRanges();
        assertEquals(s(7500), sb.highestSacked(), "no SACKs: SND.UNA");
        assertEquals(0, ack(8000, 10_000, 6000, 7000, 1000, 2000), "blocks below the cumulative ACK");
        assertEquals(1, sb.dsacks(), "the first one reports a duplicate (RFC 2883)");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void threeDuplicateAcksOrThreeSegmentsAboveStartRecovery(int b) {
        start(b);
        ack(0, 10_000, 1000, 2000);
        assertEquals(1, sb.dupAcks());
        ack(0, 10_000, 1000, 3000);
        assertFalse(sb.isLost(s(0)), "2*SMSS SACKed above is not more than (DupThresh-1)*SMSS");
        assertFalse(sb.shouldEnterRecovery());
        ack(0, 10_000, 1000, 3000);
        assertEquals(2, sb.dupAcks(), "nothing new SACKed: not a duplicate ACK (RFC 6675 §2)");
        ack(0, 10_000, 1000, 4000);
        assertTrue(sb.isLost(s(0)));
        assertTrue(sb.shouldEnterRecovery());
        ack(500, 10_000, 1000, 4000);
        assertEquals(0, sb.dupAcks(), "a cumulative ACK resets DupAcks");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void smallSegmentsAreLostByThreeDiscontiguousRanges(int b) {
        start(b);
        ack(0, 1000, 100, 200, 300, 400, 500, 600);
        assertTrue(sb.isLost(s(0)), "three ranges above, 300 bytes");
        assertTrue(sb.isLost(s(50)));
        assertFalse(sb.isLost(s(250)), "two ranges above");
        assertTrue(sb.shouldEnterRecovery());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void rule1RetransmitsEachLostHoleThenRule2SendsNewData(int b) {
        start(b);
        // holes [0,1000) [2000,3000) [4000,5000) [6000,7000); SACKed 1-2, 3-4, 5-6, 7-10 k
        ack(0, 10_000, 7000, 10_000, 5000, 6000, 3000, 4000, 1000, 2000);
        assertTrue(sb.shouldEnterRecovery());
        sb.enterRecovery(s(10_000));
        assertEquals(s(0), sb.segStart());
        assertEquals(SMSS, sb.segLength());
        assertSeg(SackScoreboard.Next.LOST, 2000, 1000, sb.nextSeg(s(10_000), false));
        assertSeg(SackScoreboard.Next.LOST, 4000, 1000, sb.nextSeg(s(10_000), true));
        assertSeg(SackScoreboard.Next.LOST, 6000, 1000, sb.nextSeg(s(10_000), true));
        assertSeg(SackScoreboard.Next.NEW_DATA, 10_000, SMSS, sb.nextSeg(s(10_000), true));
        assertEquals(SackScoreboard.Next.NONE, sb.nextSeg(s(11_000), false),
                "rule 4 waits until the cumulative ACK passes the first retransmission");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void rule3SendsUnsackedDataNotYetLostAfterNewData(int b) {
        start(b);
        ack(0, 10_000, 1000, 4000, 5000, 6000);
        assertTrue(sb.isLost(s(0)));
        assertFalse(sb.isLost(s(4000)), "one range, 1000 bytes above");
        sb.enterRecovery(s(10_000));
        assertSeg(SackScoreboard.Next.NEW_DATA, 10_000, SMSS, sb.nextSeg(s(10_000), true));
        assertSeg(SackScoreboard.Next.UNSACKED, 4000, 1000, sb.nextSeg(s(11_000), false));
        assertEquals(SackScoreboard.Next.NONE, sb.nextSeg(s(11_000), false),
                "above the highest SACK only new data or the rescue");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void pipeCountsUnsackedNotLostAndRetransmittedOctets(int b) {
        start(b);
        ack(0, 10_000, 1000, 4000, 5000, 6000);
        // [0,1000) lost: 0; [4000,5000) not lost: 1000; [6000,10000): 4000
        assertEquals(5000, sb.pipe(s(10_000)));
        sb.enterRecovery(s(10_000));
        assertEquals(6000, sb.pipe(s(10_000)), "the retransmission of [0,1000) is in flight");
        sb.nextSeg(s(10_000), false);
        assertEquals(7000, sb.pipe(s(10_000)), "[4000,5000) twice: original and retransmission");
        assertEquals(8000, sb.pipe(s(11_000)), "new data sent");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void rule4RescuesTheTailOncePerRecovery(int b) {
        start(b);
        // [0,1000) and the tail [4000,5000) lost; [1000,4000) SACKed
        ack(0, 5000, 1000, 4000);
        sb.enterRecovery(s(5000));
        ack(4000, 5000); // partial ACK: the retransmission arrived
        assertTrue(sb.inRecovery());
        assertSeg(SackScoreboard.Next.RESCUE, 4000, 1000, sb.nextSeg(s(5000), false));
        assertEquals(SackScoreboard.Next.NONE, sb.nextSeg(s(5000), false), "one rescue per recovery");
        ack(5000, 5000);
        assertTrue(sb.recoveryEnded());
        assertFalse(sb.inRecovery());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void dsackIsRecognisedAndNotCountedAsNew(int b) {
        start(b);
        ack(3000, 10_000);
        assertEquals(0, ack(3000, 10_000, 1000, 2000), "below the cumulative ACK (RFC 2883 §4)");
        assertEquals(1, sb.dsacks());
        assertEquals(0, ack(3000, 10_000, 2000, 3000), "ending at the cumulative ACK: still a duplicate");
        assertEquals(2, sb.dsacks());
        assertEquals(0, sb.dupAcks());
        assertEquals(1000, ack(3000, 10_000, 4000, 4500, 4000, 5000), "inside the second block");
        assertEquals(3, sb.dsacks());
        assertRanges(4000, 5000);
        assertEquals(1000, ack(3000, 10_000, 6000, 7000, 4000, 5000), "a first block above the others: plain SACK");
        assertEquals(3, sb.dsacks());
    }

    @Test
    void manyHolesKeepTheLowestRangesWithinCapacity() {
        start(0);
        for (int k = 0; k < 40; k++) {
            ack(0, 100_000, 1000 + 2000 * k, 2000 + 2000 * k);
        }
        assertEquals(SackScoreboard.DEFAULT_CAPACITY, sb.ranges());
        assertEquals(8, sb.dropped());
        assertEquals(s(2000 + 2000 * 31), sb.highestSacked());
        ack(0, 100_000, 2000, 3000);
        assertEquals(SackScoreboard.DEFAULT_CAPACITY - 1, sb.ranges(), "a hole filled: two ranges merged");
        ack(0, 100_000, 200, 300);
        assertEquals(SackScoreboard.DEFAULT_CAPACITY, sb.ranges());
        ack(0, 100_000, 400, 500);
        assertEquals(9, sb.dropped(), "full: the highest range made room");
        assertEquals(s(2000 + 2000 * 30), sb.highestSacked());
        sb.enterRecovery(s(100_000));
        int lost = 0;
        while (sb.nextSeg(s(100_000), false) == SackScoreboard.Next.LOST) {
            lost++;
        }
        assertEquals(29, lost, "holes 1-29 (below the third-highest range); hole 0 went with enterRecovery");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2500})
    void timeoutClearsTheScoreboardAndHoldsRecoveryUntilRecoveryPoint(int b) {
        start(b);
        ack(0, 10_000, 1000, 4000);
        sb.enterRecovery(s(10_000));
        sb.onTimeout(s(10_000));
        assertEquals(0, sb.ranges(), "RFC 2018 §8: SACKed bits turned off");
        assertFalse(sb.inRecovery());
        ack(1000, 10_000, 2000, 3000);
        ack(1000, 10_000, 2000, 4000);
        ack(1000, 10_000, 2000, 5000);
        assertTrue(sb.isLost(s(1000)));
        assertFalse(sb.shouldEnterRecovery(), "RFC 6675 §5.1: not before RecoveryPoint is acknowledged");
        ack(10_000, 12_000);
        ack(10_000, 12_000, 11_000, 12_000);
        ack(10_000, 12_000, 11_000, 12_000, 10_500, 10_600);
        ack(10_000, 12_000, 11_000, 12_000, 10_500, 10_600, 10_700, 10_800);
        assertTrue(sb.shouldEnterRecovery());
    }

    @Test
    void wireFormBlocksAreReadBigEndianAndMalformedLengthsIgnored() {
        start(-2500);
        MemorySegment opt = MemorySegment.ofArray(new byte[2 + 16]);
        ValueLayout.OfInt be = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        opt.set(be, 2, s(1000));
        opt.set(be, 6, s(2000));
        opt.set(be, 10, s(3000));
        opt.set(be, 14, s(3500));
        assertEquals(0, sb.update(s(0), s(5000), opt, 2, 15), "not a multiple of 8");
        assertEquals(0, sb.update(s(0), s(5000), opt, 2, 24), "beyond the segment");
        assertEquals(1500, sb.update(s(0), s(5000), opt, 2, 16));
        assertRanges(1000, 2000, 3000, 3500);
    }

    /** Random ACKs against a bit-per-octet model and RFC 6675's per-octet SetPipe() written out. */
    @Test
    void randomAcksMatchAnOctetModel() {
        Random r = new Random(6675);
        for (int run = 0; run < 12; run++) {
            start(r.nextInt());
            SackScoreboard big = new SackScoreboard(1000);
            big.reset(s(0), SMSS);
            BitSet sacked = new BitSet();
            int una = 0;
            int high = 12_000;
            for (int a = 0; a < 60; a++) {
                if (r.nextInt(5) == 0) {
                    una = Math.min(high, una + r.nextInt(3000));
                }
                int[] blocks = new int[6];
                for (int k = 0; k < 3; k++) {
                    int l = una + r.nextInt(high - una + 1);
                    int e = Math.min(high, l + 1 + r.nextInt(1500));
                    blocks[2 * k] = s(l);
                    blocks[2 * k + 1] = s(e);
                }
                boolean dsack = blocks[1] - s(una) <= 0
                        || blocks[2] - blocks[0] <= 0 && blocks[1] - blocks[3] <= 0 && blocks[3] != blocks[2];
                for (int k = dsack ? 1 : 0; k < 3; k++) {
                    sacked.set(blocks[2 * k] - base, blocks[2 * k + 1] - base);
                }
                sacked.clear(0, una);
                big.update(s(una), s(high), blocks, 3);
                BitSet have = new BitSet();
                for (int i = 0; i < big.ranges(); i++) {
                    have.set(big.rangeStart(i) - base, big.rangeEnd(i) - base);
                }
                assertEquals(sacked, have, "run " + run + " ack " + a);
                assertEquals(modelPipe(sacked, una, high), big.pipe(s(high)), "run " + run + " ack " + a);
            }
        }
    }

    /** RFC 6675 §4 SetPipe() and IsLost() octet by octet (no retransmissions: HighRxt below SND.UNA). */
    private static long modelPipe(BitSet sacked, int una, int high) {
        long pipe = 0;
        for (int o = una; o < high; o++) {
            if (sacked.get(o)) {
                continue;
            }
            int above = sacked.get(o + 1, high).cardinality();
            int runs = 0;
            for (int i = sacked.nextSetBit(o + 1); i >= 0 && i < high; i = sacked.nextSetBit(sacked.nextClearBit(i))) {
                runs++;
            }
            boolean lost = runs >= 3 || above > 2 * SMSS;
            pipe += lost ? 0 : 1;
        }
        return pipe;
    }
}
