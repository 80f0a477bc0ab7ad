package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;

/**
 * The receive buffer: in-order data ready for the application at the front of a {@link ByteRing},
 * and out-of-order data written ahead in the same ring at its place, its extent kept in a short
 * list of sequence intervals (RFC 9293 §3.10.7.4 step 7 lets a receiver keep it). The intervals
 * give the SACK blocks (RFC 2018 §4: the block holding the latest segment first, then the
 * others most recently changed first).
 */
final class ReceiveQueue {
    /** Out-of-order islands kept; a segment that would need another is dropped (the sender resends it). */
    static final int MAX_ISLANDS = 16;

    private final ByteRing ring;
    private final long[] starts = new long[MAX_ISLANDS];
    private final long[] ends = new long[MAX_ISLANDS];
    private final long[] stamps = new long[MAX_ISLANDS];
    private int count;
    private long clock;

    ReceiveQueue(int limit) {
        ring = new ByteRing(limit);
    }

    ByteRing ring() {
        return ring;
    }

    /** In-order bytes the application can read. */
    int readable() {
        return ring.size();
    }

    /** Out-of-order islands held. */
    int islands() {
        return count;
    }

    /** The end of the highest island, or {@code rcvNxt} when there is none. */
    long highestEnd(long rcvNxt) {
        long hi = rcvNxt;
        for (int i = 0; i < count; i++) {
            hi = Seq.max(hi, ends[i]);
        }
        return hi;
    }

    /**
     * Takes {@code len} bytes at sequence {@code seq} (already trimmed to the window, so
     * {@code seq >= rcvNxt}); returns by how much RCV.NXT advances (0 for out-of-order data),
     * including islands the segment joined, or -1 when an out-of-order segment had to be dropped.
     */
    int accept(long seq, MemorySegment src, long off, int len, long rcvNxt) {
        int at = Seq.diff(seq, rcvNxt);
        if (at == 0) {
            ring.writeAt(0, src, off, len);
            long end = Seq.add(rcvNxt, len);
            for (int i = 0; i < count; ) {
                if (Seq.le(starts[i], end)) {
                    end = Seq.max(end, ends[i]);
                    remove(i);
                    i = 0;
                } else {
                    i++;
                }
            }
            int advance = Seq.diff(end, rcvNxt);
            ring.commit(advance);
            return advance;
        }
        return addIsland(seq, Seq.add(seq, len), src, off, len, at) ? 0 : -1;
    }

    private boolean addIsland(long start, long end, MemorySegment src, long off, int len, int at) {
        long s = start;
        long e = end;
        for (int i = 0; i < count; ) {
            if (Seq.le(starts[i], e) && Seq.ge(ends[i], s)) {
                s = Seq.min(s, starts[i]);
                e = Seq.max(e, ends[i]);
                remove(i);
            } else {
                i++;
            }
        }
        if (count == MAX_ISLANDS) {
            return false;
        }
        ring.writeAt(at, src, off, len);
        starts[count] = s;
        ends[count] = e;
        stamps[count] = ++clock;
        count++;
        return true;
    }

    private void remove(int i) {
        count--;
        starts[i] = starts[count];
        ends[i] = ends[count];
        stamps[i] = stamps[count];
    }

    /**
     * Writes up to {@code max} SACK blocks (left edge, right edge) into {@code out}, the most
     * recently changed first (RFC 2018 §4); returns how many.
     */
    int sackBlocks(long[] out, int max) {
        int n = Math.min(max, count);
        long after = Long.MAX_VALUE;
        for (int b = 0; b < n; b++) {
            int best = -1;
            for (int i = 0; i < count; i++) {
                if (stamps[i] < after && (best < 0 || stamps[i] > stamps[best])) {
                    best = i;
                }
            }
            out[2 * b] = starts[best];
            out[2 * b + 1] = ends[best];
            after = stamps[best];
        }
        return n;
    }

    /** Drops every island (after a reset or when the application closes). */
    void clearIslands() {
        count = 0;
    }
}
