package org.tapline.link;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces transmission (WinPcap's synchronized send queues): frame i leaves at
 * {@code start + (ts_i - ts_0) / speed} ({@link #synced}), or at {@code start + i / pps}
 * ({@link #fixedRate}). Waits park the thread until shortly before the deadline and spin the
 * rest, which keeps the error in the tens of microseconds on a loaded machine. {@link #await}
 * returns how late the frame is; {@link #cancel} (from any thread) ends a wait at once.
 */
public final class Pacer {
    /** Parking wakes up to this much late on Linux; the last stretch is spun. */
    private static final long SPIN_NANOS = 200_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double speed;
    private final long intervalNanos;
    private long startNanos = Long.MIN_VALUE;
    private long firstTimestamp;
    private long count;
    private volatile boolean cancelled;
    /** The thread in {@link #await}, for {@link #cancel} to wake. */
    private volatile Thread waiter;

    private Pacer(double speed, long intervalNanos) {
        this.speed = speed;
        this.intervalNanos = intervalNanos;
    }

    /** The frames' own gaps divided by {@code speed}: 1.0 keeps the file's timing, 2.0 halves every gap. */
    public static Pacer synced(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a number above 0, not " + speed);
        }
        return new Pacer(speed, 0);
    }

    /** A fixed rate of {@code pps} frames per second, whatever their time stamps. */
    public static Pacer fixedRate(long pps) {
        if (pps < 1 || pps > NANOS_PER_SECOND) {
            throw new IllegalArgumentException("rate must be 1 to " + NANOS_PER_SECOND + " packets per second, not " + pps);
        }
        return new Pacer(1.0, NANOS_PER_SECOND / pps);
    }

    /**
     * Waits until the frame stamped {@code timestampNanos} is due; returns its lateness in ns (0 for
     * the first, and for one whose wait was cancelled).
     */
    public long await(long timestampNanos) {
        long now = System.nanoTime();
        if (startNanos == Long.MIN_VALUE) {
            startNanos = now;
            firstTimestamp = timestampNanos;
            count = 1;
            return 0;
        }
        long offset = intervalNanos > 0 ? count * intervalNanos : (long) ((timestampNanos - firstTimestamp) / speed);
        count++;
        long due = startNanos + Math.max(0, offset);
        waiter = Thread.currentThread();
        try {
            // parkNanos may return early (spuriously, or on cancel): the loop checks again.
            for (long left = due - now; left > SPIN_NANOS && !cancelled; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            }
            while ((now = System.nanoTime()) < due && !cancelled) {
                Thread.onSpinWait();
            }
        } finally {
            waiter = null;
        }
        return cancelled ? 0 : now - due;
    }

    /** Ends the current and every later wait at once (a signal handler stopping a transmission). */
    public void cancel() {
        cancelled = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Starts the schedule again (a new loop over the file). */
    public void restart() {
        startNanos = Long.MIN_VALUE;
    }
}
