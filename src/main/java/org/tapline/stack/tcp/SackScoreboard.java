package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The sender's SACK scoreboard and the loss recovery rules of RFC 6675 (SACK blocks per RFC
 * 2018, D-SACK per RFC 2883), sequence numbers modulo 2^32. Preallocated: nothing is allocated
 * per ACK. Sequence numbers are ints as on the wire; "end" values are exclusive.
 *
 * <h2>How a connection plugs it in</h2>
 * <ul>
 * <li>SACK-permitted agreed in the handshake: {@link #reset(int, int)} with the ISS + 1 and SMSS.</li>
 * <li>Every acceptable ACK (SND.UNA &lt;= SEG.ACK &lt;= SND.MAX), with or without blocks:
 *     {@link #update(int, int, int[], int)} (or the {@link MemorySegment} form on the option's
 *     bytes) with SEG.ACK and HighData = SND.MAX, the highest sequence sent (not SND.NXT, which a
 *     timeout may pull back). Then, outside recovery, if {@link #shouldEnterRecovery()}: cut the
 *     window ({@link CongestionControl#onEnterRecovery}), call {@link #enterRecovery(int)},
 *     send the segment it sets ({@link #segStart()}, {@link #segLength()}).</li>
 * <li>In recovery, after each ACK: while cwnd - {@link #pipe(int)} &gt;= SMSS, call
 *     {@link #nextSeg(int, boolean)} and send what it names (RFC 6675 §5 step C); it records the
 *     retransmission itself (HighRxt, RescueRxt), so call it only when you send. When
 *     {@link #recoveryEnded()} after an update, call {@link CongestionControl#onExitRecovery}.</li>
 * <li>Retransmission timeout: {@link #onTimeout(int)} (§5.1): the SACKed bits are cleared
 *     (RFC 2018 §8: the receiver may have reneged), and no new recovery starts before SND.UNA
 *     reaches what was sent before the timeout.</li>
 * <li>{@link #dsacks()} counts RFC 2883 reports of duplicates (for spurious retransmission
 *     counters); {@link #dropped()} counts ranges forgotten because {@code capacity} were full.</li>
 * </ul>
 */
public final class SackScoreboard {
    /** RFC 6675 §2: DupThresh. */
    public static final int DUP_THRESH = 3;
    /** Ranges kept by default: far more than the 3-4 blocks one ACK can carry. */
    public static final int DEFAULT_CAPACITY = 32;

    /** What {@link #nextSeg} chose, by the rules of RFC 6675 §4 NextSeg(). */
    public enum Next {
        /** Nothing may be sent. */
        NONE,
        /** Rule 1: the lowest unSACKed data IsLost() finds lost. */
        LOST,
        /** Rule 2: new data from HighData (up to SMSS, as far as the window and the buffer allow). */
        NEW_DATA,
        /** Rule 3: unSACKed data below the highest SACK that is not yet deemed lost. */
        UNSACKED,
        /** Rule 4: the rescue retransmission of the highest unSACKed data, once per recovery. */
        RESCUE
    }

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** RFC 2018 §3: a SACK block is two 32-bit edges; an option holds at most 4. */
    private static final int BLOCK_BYTES = 8;
    private static final int MAX_BLOCKS = 4;

    private final SackRanges ranges;
    /** Whether hole i (below range i) is lost: filled by {@link #classifyHoles()}. */
    private final boolean[] holeLost;
    private final int[] wireBlocks = new int[2 * MAX_BLOCKS];
    private int smss;
    /** SND.UNA: one above RFC 6675's HighACK. */
    private int una;
    /** One above HighRxt: below it everything unSACKed has been retransmitted. */
    private int rxtEnd;
    private boolean rescueAllowed;
    private int rescueAfter;
    private int recoveryPoint;
    private boolean inRecovery;
    private boolean holdAfterTimeout;
    private boolean recoveryEnded;
    private int dupAcks;
    private long dsacks;
    private int segStart;
    private int segLength;

    public SackScoreboard() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity the most SACKed ranges kept (see {@link SackRanges}) */
    public SackScoreboard(int capacity) {
        ranges = new SackRanges(capacity);
        holeLost = new boolean[capacity + 1];
    }

    /** Starts a connection: nothing sent beyond {@code una}, segments of {@code smss} bytes. */
    public void reset(int una, int smss) {
        this.una = una;
        this.smss = smss;
        rxtEnd = una;
        ranges.clear();
        inRecovery = false;
        holdAfterTimeout = false;
        rescueAllowed = false;
        recoveryEnded = false;
        dupAcks = 0;
    }

    /** SMSS changed (path MTU). */
    public void setSmss(int smss) {
        this.smss = smss;
    }

    /**
     * Update() of RFC 6675 §4 for an ACK: {@code cumAck} and {@code blockCount} SACK blocks in
     * {@code blocks} as (left, right) pairs. Returns the bytes newly SACKed. An ACK behind SND.UNA
     * or beyond {@code highData} changes nothing.
     */
    public long update(int cumAck, int highData, int[] blocks, int blockCount) {
        recoveryEnded = false;
        if (cumAck - una < 0 || cumAck - highData > 0) {
            return 0;
        }
        boolean advanced = cumAck != una;
        if (advanced) {
            ranges.advance(una, cumAck);
            una = cumAck;
            dupAcks = 0; // §5: a cumulative acknowledgment resets DupAcks
            if (rxtEnd - una < 0) {
                rxtEnd = una;
            }
            if (cumAck - recoveryPoint >= 0) {
                recoveryEnded = inRecovery;
                inRecovery = false; // §5 (4.1): RecoveryPoint acknowledged
                holdAfterTimeout = false; // §5.1
            }
        }
        long fresh = 0;
        int n = Math.min(blockCount, blocks.length / 2);
        for (int b = 0; b < n; b++) {
            int l = blocks[2 * b];
            int r = blocks[2 * b + 1];
            if (r - l <= 0) {
                continue; // malformed: empty or reversed
            }
            // RFC 2883 §4: the first block is a D-SACK when the cumulative ACK covers it or
            // it lies inside the second block. It reports a duplicate, not new data.
            if (b == 0 && (r - cumAck <= 0
                    || n > 1 && blocks[2] - l <= 0 && r - blocks[3] <= 0 && blocks[3] - blocks[2] > 0)) {
                dsacks++;
                continue;
            }
            if (r - una <= 0 || r - highData > 0) {
                continue; // RFC 2018: below the cumulative ACK is old news; above HighData is bogus
            }
            fresh += ranges.add(una, l - una < 0 ? una : l, r);
        }
        // RFC 6675 §2: an ACK that SACKs new data without moving SND.UNA is a duplicate ACK.
        if (!advanced && fresh > 0) {
            dupAcks++;
        }
        return fresh;
    }

    /**
     * {@link #update(int, int, int[], int)} on a SACK option's blocks as on the wire: {@code length}
     * bytes at {@code off} (the option's data, after kind and length). A length that is not a
     * multiple of 8 or longer than 4 blocks, or beyond the segment, is malformed: only the
     * cumulative ACK is used.
     */
    public long update(int cumAck, int highData, MemorySegment option, long off, int length) {
        int n = length / BLOCK_BYTES;
        if (length % BLOCK_BYTES != 0 || n > MAX_BLOCKS || off < 0 || off + length > option.byteSize()) {
            n = 0;
        }
        for (int i = 0; i < 2 * n; i++) {
            wireBlocks[i] = option.get(U32, off + 4L * i);
        }
        return update(cumAck, highData, wireBlocks, n);
    }

    /**
     * IsLost() of RFC 6675 §4: whether {@code DUP_THRESH} discontiguous SACKed ranges lie above
     * {@code seq}, or more than (DupThresh - 1) * SMSS SACKed bytes.
     */
    public boolean isLost(int seq) {
        long at = SackRanges.rel(una, seq);
        return ranges.rangesAbove(una, at) >= DUP_THRESH
                || ranges.bytesAbove(una, at + 1) > (long) (DUP_THRESH - 1) * smss;
    }

    /** Fills holeLost[i] for the hole below range i: every octet of a hole has the same SACKs above. */
    private void classifyHoles() {
        int n = ranges.count();
        long above = 0;
        for (int i = n - 1; i >= 0; i--) {
            above += SackRanges.rel(una, ranges.end(i)) - SackRanges.rel(una, ranges.start(i));
            holeLost[i] = n - i >= DUP_THRESH || above > (long) (DUP_THRESH - 1) * smss;
        }
        holeLost[n] = false; // above the highest SACK nothing is known lost
    }

    private int holeStart(int i) {
        return i == 0 ? una : ranges.end(i - 1);
    }

    private int holeEnd(int i, int highData) {
        return i < ranges.count() ? ranges.start(i) : highData;
    }

    /**
     * SetPipe() of RFC 6675 §4: the bytes deemed in the network, counting every unSACKed octet
     * below {@code highData} not deemed lost, and again every one retransmitted (below HighRxt).
     */
    public long pipe(int highData) {
        classifyHoles();
        long pipe = 0;
        long rxt = SackRanges.rel(una, rxtEnd);
        for (int i = 0; i <= ranges.count(); i++) {
            long s = SackRanges.rel(una, holeStart(i));
            long e = SackRanges.rel(una, holeEnd(i, highData));
            if (e <= s) {
                continue;
            }
            if (!holeLost[i]) {
                pipe += e - s;
            }
            pipe += Math.max(0, Math.min(e, rxt) - s);
        }
        return pipe;
    }

    /** Whether this ACK starts loss recovery (RFC 6675 §5 steps 2-3; never within §5.1's hold). */
    public boolean shouldEnterRecovery() {
        return !inRecovery && !holdAfterTimeout && (dupAcks >= DUP_THRESH || isLost(una));
    }

    /**
     * RFC 6675 §5 step 4: RecoveryPoint = {@code highData}, and the first segment from SND.UNA is
     * the one to retransmit now ({@link #segStart()}, {@link #segLength()}); HighRxt and RescueRxt
     * are set to its end.
     */
    public void enterRecovery(int highData) {
        inRecovery = true;
        recoveryPoint = highData;
        int limit = holeEnd(0, highData);
        segStart = una;
        segLength = (int) Math.min(smss, SackRanges.rel(una, limit));
        rxtEnd = una + segLength;
        rescueAllowed = true;
        rescueAfter = rxtEnd;
    }

    /**
     * NextSeg() of RFC 6675 §4 rules 1-4, for one segment of at most SMSS; the choice is in
     * {@link #segStart()} and {@link #segLength()}. Call it only to send what it names.
     *
     * @param newDataReady whether unsent data exists and the peer's window takes it (rule 2)
     */
    public Next nextSeg(int highData, boolean newDataReady) {
        classifyHoles();
        int n = ranges.count();
        // Rules 1 and 3 look at holes below the highest SACK, from HighRxt up.
        if (pick(n, true)) {
            return Next.LOST;
        }
        if (newDataReady) {
            segStart = highData;
            segLength = smss;
            return Next.NEW_DATA;
        }
        if (pick(n, false)) {
            return Next.UNSACKED;
        }
        // Rule 4: once per recovery, after the cumulative ACK passed the last rescue bound.
        if (inRecovery && rescueAllowed && una - rescueAfter > 0) {
            for (int i = n; i >= 0; i--) {
                int s = holeStart(i);
                int e = holeEnd(i, highData);
                if (e - s > 0) {
                    segLength = (int) Math.min(smss, SackRanges.rel(s, e));
                    segStart = e - segLength;
                    rescueAllowed = false; // RescueRxt = RecoveryPoint; HighRxt untouched
                    return Next.RESCUE;
                }
            }
        }
        segLength = 0;
        return Next.NONE;
    }

    /** The lowest hole (below range {@code n}) at or above HighRxt whose lost state is {@code lost}. */
    private boolean pick(int n, boolean lost) {
        long rxt = SackRanges.rel(una, rxtEnd);
        for (int i = 0; i < n; i++) {
            if (holeLost[i] != lost) {
                continue;
            }
            long s = Math.max(SackRanges.rel(una, holeStart(i)), rxt);
            long e = SackRanges.rel(una, ranges.start(i));
            if (s < e) {
                segStart = una + (int) s;
                segLength = (int) Math.min(smss, e - s);
                rxtEnd = segStart + segLength; // §5 step C.3: HighRxt
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 6675 §5.1: a retransmission timeout ends recovery, sets RecoveryPoint to
     * {@code highData} and clears the scoreboard (RFC 2018 §8); ACKs keep updating it.
     */
    public void onTimeout(int highData) {
        ranges.clear();
        inRecovery = false;
        holdAfterTimeout = true;
        recoveryPoint = highData;
        rxtEnd = una;
        rescueAllowed = false;
        dupAcks = 0;
    }

    /** Start of the segment {@link #nextSeg} or {@link #enterRecovery} chose. */
    public int segStart() {
        return segStart;
    }

    /** Length of that segment (for {@link Next#NEW_DATA} at most SMSS: clamp to what is there). */
    public int segLength() {
        return segLength;
    }

    /** The highest sequence any kept SACK covers (exclusive end), SND.UNA without SACKs. */
    public int highestSacked() {
        int n = ranges.count();
        return n == 0 ? una : ranges.end(n - 1);
    }

    public boolean inRecovery() {
        return inRecovery;
    }

    /** Whether the last update acknowledged the RecoveryPoint and so ended recovery. */
    public boolean recoveryEnded() {
        return recoveryEnded;
    }

    public int dupAcks() {
        return dupAcks;
    }

    /** SACKed ranges kept now. */
    public int ranges() {
        return ranges.count();
    }

    /** Start and end of range {@code i}, lowest first. */
    public int rangeStart(int i) {
        return ranges.start(i);
    }

    public int rangeEnd(int i) {
        return ranges.end(i);
    }

    /** D-SACK blocks received (RFC 2883). */
    public long dsacks() {
        return dsacks;
    }

    /** Ranges forgotten because the scoreboard was full. */
    public long dropped() {
        return ranges.dropped();
    }
}
