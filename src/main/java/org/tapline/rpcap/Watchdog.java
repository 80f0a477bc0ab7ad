package org.tapline.rpcap;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An absolute deadline over a connection's reads. A socket read timeout restarts with every
 * read, so a peer that sends one byte a second never meets it (issue 10, item 2); this one runs
 * from {@link #arm} however the bytes trickle in, and TLS records and handshakes included. When it
 * fires it runs {@code cut} (the connection shuts its input down: the blocked read sees the end
 * of the stream, the output stays open for the error reply); the reader then asks {@link #fired}.
 *
 * <p>{@code task} and {@code fired} are guarded by {@code this}.
 */
final class Watchdog {
    private final ScheduledExecutorService timer;
    private final Runnable cut;
    private ScheduledFuture<?> task;
    /** Which arming a firing task belongs to: one cancelled too late must not cut the next. */
    private long generation;
    private boolean fired;

    Watchdog(ScheduledExecutorService timer, Runnable cut) {
        this.timer = timer;
        this.cut = cut;
    }

    /** Starts (or restarts) the deadline {@code d} from now. */
    synchronized void arm(Duration d) {
        if (fired) {
            return;
        }
        if (task != null) {
            task.cancel(false);
        }
        long g = ++generation;
        task = timer.schedule(() -> fire(g), d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the deadline; false when it had already fired. */
    synchronized boolean disarm() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        generation++;
        return !fired;
    }

    synchronized boolean fired() {
        return fired;
    }

    private void fire(long g) {
        synchronized (this) {
            if (g != generation || fired) {
                return;
            }
            fired = true;
            task = null;
        }
        cut.run();
    }
}
