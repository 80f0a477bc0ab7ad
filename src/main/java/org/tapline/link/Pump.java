package org.tapline.link;

import java.io.IOException;
import java.lang.foreign.Arena;

/**
 * Moves frames from a link to a sink on the calling thread, in batches, until the link ends,
 * {@code limit} frames were delivered, or {@link #stop} is called from another thread.
 */
public final class Pump {
    private static final int BATCH_FRAMES = 256;
    private static final long BATCH_BYTES = 4L << 20;
    private static final int WAIT_MILLIS = 250;

    private final Link link;
    private final FrameSink sink;
    private final long limit;
    private volatile boolean stopped;
    private volatile long delivered;

    /** {@code limit} 0 means no limit. */
    public Pump(Link link, FrameSink sink, long limit) {
        this.link = link;
        this.sink = sink;
        this.limit = limit;
    }

    /** Runs until the end; returns the number of frames delivered. */
    public long run() throws IOException {
        int linkType = link.linkType();
        try (Arena arena = Arena.ofConfined()) {
            FrameBatch batch = new FrameBatch(arena, BATCH_FRAMES, BATCH_BYTES);
            long count = 0;
            while (!stopped && (limit == 0 || count < limit)) {
                int n = link.receive(batch, WAIT_MILLIS);
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n && (limit == 0 || count < limit); i++) {
                    sink.accept(linkType, batch.timestampNanos(i), batch.originalLength(i), batch.frame(i));
                    count++;
                }
                delivered = count;
            }
            return count;
        }
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
