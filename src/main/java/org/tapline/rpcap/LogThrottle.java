package org.tapline.rpcap;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for one kind of event; the next line that goes out says how
 * many were left out meanwhile (as the kernel's printk_ratelimit, or journald's
 * "Suppressed N messages"). A flood of refusals or failing accepts must not become a flood of
 * log lines: the issue measured 75,000 a second when file descriptors ran out.
 */
final class LogThrottle {
    private final Consumer<String> sink;
    private final long intervalNanos;
    private final LongSupplier clock;
    /** Guarded by this. */
    private long lastNanos;
    private boolean any;
    private long suppressed;

    LogThrottle(Consumer<String> sink, long intervalNanos, LongSupplier clock) {
        this.sink = sink;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    LogThrottle(Consumer<String> sink) {
        this(sink, 10_000_000_000L, System::nanoTime);
    }

    void log(String line) {
        String out;
        synchronized (this) {
            long now = clock.getAsLong();
            if (any && now - lastNanos < intervalNanos) {
                suppressed++;
                return;
            }
            out = suppressed == 0 ? line : line + " (" + suppressed + " more like it since the last such line)";
            any = true;
            lastNanos = now;
            suppressed = 0;
        }
        sink.accept(out);
    }
}
