package org.tapline.link;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable batch of frames in one native buffer: frames are copied in back to back, each
 * with its timestamp and original (on-the-wire) length. A batch is filled by one thread and
 * then handed whole to another; it is not safe for concurrent use.
 *
 * <pre>
 * buffer: | frame 0 | frame 1 | ... |            free            |
 * offset[i], length[i] (captured bytes), wireLength[i], timestampNanos[i]
 * </pre>
 */
public final class FrameBatch {
    private final MemorySegment buffer;
    private final long[] offset;
    private final int[] length;
    private final int[] wireLength;
    private final long[] timestampNanos;
    private int size;
    private long used;

    /** A batch of at most {@code frames} frames and {@code bytes} bytes, allocated in {@code arena}. */
    public FrameBatch(Arena arena, int frames, long bytes) {
        if (frames <= 0 || bytes <= 0) {
            throw new IllegalArgumentException("a batch needs room for at least one frame and one byte");
        }
        this.buffer = arena.allocate(bytes, 64);
        this.offset = new long[frames];
        this.length = new int[frames];
        this.wireLength = new int[frames];
        this.timestampNanos = new long[frames];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int capacity() {
        return offset.length;
    }

    /** True when another frame of {@code bytes} bytes fits. */
    public boolean fits(long bytes) {
        return size < offset.length && used + bytes <= buffer.byteSize();
    }

    /** The largest frame that fits in an empty batch. */
    public long maxFrameBytes() {
        return buffer.byteSize();
    }

    /** Copies a frame in; returns false (and copies nothing) when it does not fit. */
    public boolean add(long tsNanos, int originalLength, MemorySegment frame) {
        long n = frame.byteSize();
        if (!fits(n)) {
            return false;
        }
        MemorySegment.copy(frame, 0, buffer, used, n);
        commit(tsNanos, originalLength, (int) n);
        return true;
    }

    /**
     * The free space for a frame read straight into the batch (a TAP read); follow with
     * {@link #commit}. Empty when the batch is full.
     */
    public MemorySegment free() {
        return size < offset.length ? buffer.asSlice(used) : buffer.asSlice(0, 0);
    }

    /** Accepts {@code n} bytes written at the start of {@link #free()} as the next frame. */
    public void commit(long tsNanos, int originalLength, int n) {
        offset[size] = used;
        length[size] = n;
        wireLength[size] = originalLength;
        timestampNanos[size] = tsNanos;
        size++;
        used += n;
    }

    public MemorySegment frame(int i) {
        check(i);
        return buffer.asSlice(offset[i], length[i]);
    }

    public int length(int i) {
        check(i);
        return length[i];
    }

    public int originalLength(int i) {
        check(i);
        return wireLength[i];
    }

    public long timestampNanos(int i) {
        check(i);
        return timestampNanos[i];
    }

    public long bytes() {
        return used;
    }

    public void clear() {
        size = 0;
        used = 0;
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("frame " + i + " of a batch of " + size);
        }
    }
}
