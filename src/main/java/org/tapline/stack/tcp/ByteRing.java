package org.tapline.stack.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A byte ring in one MemorySegment: the send and receive buffers of a connection. It has no
 * memory until data comes, then starts small and doubles when data needs room, up to
 * {@link #limit()} (as Linux grows its buffers by need, so idle connections cost little), and
 * never allocates per segment. Bytes
 * beyond {@link #size()} may be written ahead ({@link #writeAt}) and taken in later
 * ({@link #commit}): the receiver keeps out-of-order data there.
 */
final class ByteRing {
    private static final int MIN_CAPACITY = 4096;

    private MemorySegment buf = MemorySegment.NULL;
    private int capacity;
    private int limit;
    private int head;
    private int size;

    ByteRing(int limit) {
        this.limit = limit;
    }

    int size() {
        return size;
    }

    int limit() {
        return limit;
    }

    /** Room left under the limit. */
    int free() {
        return Math.max(0, limit - size);
    }

    /** A new limit (SO_RCVBUF, SO_SNDBUF); never below the bytes held. */
    void setLimit(int newLimit) {
        limit = Math.max(newLimit, size);
    }

    /** Appends up to {@link #free()} bytes of {@code src[off, off+len)}; returns the count. */
    int write(MemorySegment src, long off, int len) {
        int n = Math.min(len, free());
        writeAt(0, src, off, n);
        size += n;
        return n;
    }

    /** Writes {@code len} bytes at {@code at} bytes past the end of the data, not yet counted. */
    void writeAt(int at, MemorySegment src, long off, int len) {
        if (len == 0) {
            return;
        }
        int pos = size + at;
        ensure(pos + len);
        int start = (head + pos) & (capacity - 1);
        int first = Math.min(len, capacity - start);
        MemorySegment.copy(src, off, buf, start, first);
        if (first < len) {
            MemorySegment.copy(src, off + first, buf, 0, len - first);
        }
    }

    /** Counts {@code n} bytes written ahead by {@link #writeAt} as data. */
    void commit(int n) {
        size += n;
    }

    /** Copies {@code len} bytes starting {@code at} bytes into the data to {@code dst}, keeping them. */
    void peek(int at, MemorySegment dst, long dstOff, int len) {
        if (len == 0) {
            return;
        }
        int start = (head + at) & (capacity - 1);
        int first = Math.min(len, capacity - start);
        MemorySegment.copy(buf, start, dst, dstOff, first);
        if (first < len) {
            MemorySegment.copy(buf, 0, dst, dstOff + first, len - first);
        }
    }

    /** Moves up to {@code len} bytes to {@code dst}; returns the count. */
    int read(MemorySegment dst, long dstOff, int len) {
        int n = Math.min(len, size);
        peek(0, dst, dstOff, n);
        drop(n);
        return n;
    }

    /** Discards the first {@code n} bytes (acknowledged data). */
    void drop(int n) {
        if (n == 0) {
            return;
        }
        head = (head + n) & (capacity - 1);
        size -= n; // head stays put: bytes written ahead keep their place after it
    }

    private void ensure(int needed) {
        if (needed <= capacity) {
            return;
        }
        int c = Math.max(capacity, MIN_CAPACITY);
        while (c < needed) {
            c <<= 1;
        }
        MemorySegment bigger = Arena.ofAuto().allocate(c, 64);
        // Everything up to the old capacity, written ahead or not, keeps its place from head.
        int first = capacity - head;
        MemorySegment.copy(buf, head, bigger, 0, first);
        MemorySegment.copy(buf, 0, bigger, first, head);
        buf = bigger;
        capacity = c;
        head = 0;
    }
}
