package org.tapline.stack.tcp;

/**
 * A bounded, sorted set of disjoint sequence ranges [start, end) modulo 2^32, all at or above a
 * base (SND.UNA): what the peer has SACKed. Adjacent and overlapping ranges merge. Two int
 * arrays allocated once; nothing is allocated per call.
 *
 * <p>At most {@code capacity} ranges are kept. A new range that would make one more drops the
 * highest range (it may be the new one): its data then counts as not SACKed, which costs at most
 * a needless retransmission and never hides a hole (merging two ranges would). Counted in
 * {@link #dropped()}.
 */
final class SackRanges {
    private final int[] start;
    private final int[] end;
    private int count;
    private long dropped;

    SackRanges(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("SACK scoreboard capacity " + capacity + " is below 1");
        }
        start = new int[capacity];
        end = new int[capacity];
    }

    int count() {
        return count;
    }

    int start(int i) {
        return start[i];
    }

    int end(int i) {
        return end[i];
    }

    /** Ranges dropped because the set was full. */
    long dropped() {
        return dropped;
    }

    void clear() {
        count = 0;
    }

    /** Offset of {@code seq} above {@code base}, 0 to 2^32 - 1. */
    static long rel(int base, int seq) {
        return (seq - base) & 0xffff_ffffL;
    }

    /**
     * Adds [l, r), both at or above {@code base} and {@code l} below {@code r} in offsets from it;
     * returns the bytes not covered before.
     */
    long add(int base, int l, int r) {
        long lo = rel(base, l);
        long hi = rel(base, r);
        // first range that touches or follows [lo, hi): its end reaches lo
        int i = 0;
        while (i < count && rel(base, end[i]) < lo) {
            i++;
        }
        // last range that touches: its start is at or below hi
        int j = i - 1;
        while (j + 1 < count && rel(base, start[j + 1]) <= hi) {
            j++;
        }
        if (j < i) {
            insert(i, l, r);
            return hi - lo;
        }
        long covered = 0;
        for (int k = i; k <= j; k++) {
            covered += Math.max(0, Math.min(hi, rel(base, end[k])) - Math.max(lo, rel(base, start[k])));
        }
        int newStart = rel(base, start[i]) < lo ? start[i] : l;
        int newEnd = rel(base, end[j]) > hi ? end[j] : r;
        start[i] = newStart;
        end[i] = newEnd;
        int removed = j - i;
        if (removed > 0) {
            System.arraycopy(start, j + 1, start, i + 1, count - j - 1);
            System.arraycopy(end, j + 1, end, i + 1, count - j - 1);
            count -= removed;
        }
        return hi - lo - covered;
    }

    private void insert(int at, int l, int r) {
        if (count == start.length) {
            dropped++;
            if (at == count) {
                return; // the new range is the highest: it is the one dropped
            }
            count--;
        }
        System.arraycopy(start, at, start, at + 1, count - at);
        System.arraycopy(end, at, end, at + 1, count - at);
        start[at] = l;
        end[at] = r;
        count++;
    }

    /** Forgets what lies below {@code newBase} (cumulatively acknowledged); {@code oldBase} was the base. */
    void advance(int oldBase, int newBase) {
        long cut = rel(oldBase, newBase);
        int gone = 0;
        while (gone < count && rel(oldBase, end[gone]) <= cut) {
            gone++;
        }
        if (gone > 0) {
            System.arraycopy(start, gone, start, 0, count - gone);
            System.arraycopy(end, gone, end, 0, count - gone);
            count -= gone;
        }
        if (count > 0 && rel(oldBase, start[0]) < cut) {
            start[0] = newBase;
        }
    }

    /** Whether [l, r) lies inside one range. */
    boolean covers(int base, int l, int r) {
        long lo = rel(base, l);
        long hi = rel(base, r);
        for (int i = 0; i < count; i++) {
            if (rel(base, start[i]) <= lo && hi <= rel(base, end[i])) {
                return true;
            }
        }
        return false;
    }

    /** SACKed bytes above offset {@code from} (exclusive of octets below it). */
    long bytesAbove(int base, long from) {
        long bytes = 0;
        for (int i = count - 1; i >= 0 && rel(base, end[i]) > from; i--) {
            bytes += rel(base, end[i]) - Math.max(from, rel(base, start[i]));
        }
        return bytes;
    }

    /** Ranges that start above offset {@code from}. */
    int rangesAbove(int base, long from) {
        int n = 0;
        for (int i = count - 1; i >= 0 && rel(base, start[i]) > from; i--) {
            n++;
        }
        return n;
    }
}
