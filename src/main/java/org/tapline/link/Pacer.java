package org.tapline.link;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces transmission (WinPcap's synchronized send queues): frame i leaves at
 * {@code start + (ts_i - ts_0) / speed}, or at {@code start + i / pps} for a fixed rate. Waits
 * park the thread until shortly before the deadline and spin the rest, which keeps the error in
 * the tens of microseconds on a loaded machine. {@link #await} returns how late the frame is.
 */
public final class Pacer {
    /** Parking wakes up to this much late on Linux; the last stretch is spun. */
    private static final long SPIN_NANOS = 200_000;

    private final double speed;
    private final long ppsIntervalNanos;
    private long startNanos = Long.MIN_VALUE;
    private long firstTimestamp;
    private long count;

    /** {@code speed} 1.0 keeps the file's timing, 2.0 halves every gap; {@code pps} > 0 overrides with a fixed rate. */
    public Pacer(double speed, long pps) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be above 0, not " + speed);
        }
        this.speed = speed;
        this.ppsIntervalNanos = pps > 0 ? 1_000_000_000L / pps : 0;
    }

    /** Waits until the frame stamped {@code timestampNanos} is due; returns its lateness in ns (0 for the first). */
    public long await(long timestampNanos) {
        long now = System.nanoTime();
        if (startNanos == Long.MIN_VALUE) {
            startNanos = now;
            firstTimestamp = timestampNanos;
            count = 1;
            return 0;
        }
        long offset = ppsIntervalNanos > 0 ? count * ppsIntervalNanos : (long) ((timestampNanos - firstTimestamp) / speed);
        count++;
        long due = startNanos + Math.max(0, offset);
        long left = due - now;
        if (left > SPIN_NANOS) {
            LockSupport.parkNanos(left - SPIN_NANOS);
        }
        while ((now = System.nanoTime()) < due) {
            Thread.onSpinWait();
        }
        return now - due;
    }

    /** Starts the schedule again (a new loop over the file). */
    public void restart() {
        startNanos = Long.MIN_VALUE;
    }
}
