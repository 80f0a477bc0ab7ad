package org.tapline.link;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * WinPcap's send queue (pcap_sendqueue_alloc / _queue / _transmit): frames with their time
 * stamps gathered in one native buffer, then sent on a link as fast as it takes them, or
 * synchronized to their time stamps.
 *
 * <pre>
 *   try (SendQueue q = new SendQueue(1 << 20, 1024)) {
 *       q.queue(t0, frame0); q.queue(t0 + 1_000_000, frame1);
 *       SendQueue.Report r = q.transmit(link, true, 1.0);
 *   }
 * </pre>
 */
public final class SendQueue implements AutoCloseable {
    /** What a transmission did; timing errors are in ns (empty when not synchronized). */
    public record Report(long packets, long bytes, long elapsedNanos, long[] lateness) {}

    private final Arena arena = Arena.ofShared();
    private final FrameBatch frames;

    public SendQueue(long bytes, int maxFrames) {
        this.frames = new FrameBatch(arena, maxFrames, bytes);
    }

    /** Adds a frame; false when the queue is full (nothing added). */
    public boolean queue(long timestampNanos, MemorySegment frame) {
        return frames.add(timestampNanos, (int) frame.byteSize(), frame);
    }

    public int size() {
        return frames.size();
    }

    public void clear() {
        frames.clear();
    }

    /** Sends every frame in order; with {@code sync}, at the gaps of their time stamps divided by {@code speed}. */
    public Report transmit(Link link, boolean sync, double speed) throws IOException {
        Pacer pacer = sync ? Pacer.synced(speed) : null;
        long[] late = new long[sync ? frames.size() : 0];
        long bytes = 0;
        long start = System.nanoTime();
        for (int i = 0; i < frames.size(); i++) {
            if (pacer != null) {
                late[i] = pacer.await(frames.timestampNanos(i));
            }
            link.send(frames.frame(i));
            bytes += frames.length(i);
        }
        return new Report(frames.size(), bytes, System.nanoTime() - start, late);
    }

    @Override
    public void close() {
        arena.close();
    }
}
