package org.tapline.link;

import java.io.IOException;

/**
 * Moves frames from a link to a sink on the calling thread, in batches and without copying
 * where the link allows, until the link ends,
 * {@code limit} frames were delivered, or {@link #stop} is called from another thread.
 */
public final class Pump {
    private static final int BATCH_FRAMES = 256;
    private static final int WAIT_MILLIS = 250;

    private final Link link;
    private final FrameSink sink;
    private final long limit;
    private final Tick tick;
    private volatile boolean stopped;
    private volatile long delivered;

    /** Work between batches, e.g. writing out what a file has buffered for too long. */
    @FunctionalInterface
    public interface Tick {
        void run() throws IOException;
    }

    /** {@code limit} 0 means no limit. */
    public Pump(Link link, FrameSink sink, long limit) {
        this(link, sink, limit, () -> { });
    }

    /** The same, with {@code tick} run after every batch and every wait that found none (at least every 250 ms). */
    public Pump(Link link, FrameSink sink, long limit, Tick tick) {
        this.link = link;
        this.sink = sink;
        this.limit = limit;
        this.tick = tick;
    }

    /** Runs until the end; returns the number of frames delivered. */
    public long run() throws IOException {
        long count = 0;
        while (!stopped && (limit == 0 || count < limit)) {
            int max = limit == 0 ? BATCH_FRAMES : (int) Math.min(BATCH_FRAMES, limit - count);
            int n = link.receive(sink, max, WAIT_MILLIS);
            if (n < 0) {
                break;
            }
            count += n;
            delivered = count;
            tick.run();
        }
        return count;
    }

    /** Frames delivered so far (updated once per batch). */
    public long delivered() {
        return delivered;
    }

    /** Ends {@link #run} after the batch in hand; safe from any thread, e.g. a signal handler. */
    public void stop() {
        stopped = true;
    }
}
