package org.tapline.stack.sim;

/**
 * What a {@link FaultyWire} does to the frames it carries, each fault on its own; all zero is a
 * perfect wire with no delay. Probabilities are per frame; times in nanoseconds. Build with
 * {@link #NONE} and the {@code with...} methods:
 * {@code Faults.NONE.withDrop(0.01).withDelay(5 * MS)}.
 *
 * @param drop          probability a frame is lost
 * @param duplicate     probability a frame arrives twice
 * @param reorder       probability a frame is held back by {@code reorderNanos}, letting later ones pass
 * @param reorderNanos  how long a reordered frame is held back
 * @param corrupt       probability one byte after the Ethernet header is changed (an Internet checksum
 *                      always catches a one-byte change)
 * @param delayNanos    one-way propagation delay
 * @param jitterNanos   extra delay drawn uniformly from [0, jitter] per frame (as netem's, it can reorder)
 * @param bitsPerSecond serialisation rate, 0 for none
 * @param queueBytes    with a rate: bytes the sending side may hold (tail drop beyond), 0 for no bound
 */
public record Faults(double drop, double duplicate, double reorder, long reorderNanos, double corrupt,
                     long delayNanos, long jitterNanos, long bitsPerSecond, long queueBytes) {
    /** One millisecond, in the nanoseconds this package counts in. */
    public static final long MS = 1_000_000;

    public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** A path with {@code loss} each way and round-trip time {@code rttNanos} (half of it each way). */
    public static Faults of(double loss, long rttNanos) {
        return NONE.withDrop(loss).withDelay(rttNanos / 2);
    }

    public Faults {
        checkProbability("drop", drop);
        checkProbability("duplicate", duplicate);
        checkProbability("reorder", reorder);
        checkProbability("corrupt", corrupt);
        if (reorderNanos < 0 || delayNanos < 0 || jitterNanos < 0 || bitsPerSecond < 0 || queueBytes < 0) {
            throw new IllegalArgumentException("negative time, rate or queue in " + this);
        }
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " probability " + p + " is not between 0 and 1");
        }
    }

    public Faults withDrop(double p) {
        return new Faults(p, duplicate, reorder, reorderNanos, corrupt, delayNanos, jitterNanos, bitsPerSecond, queueBytes);
    }

    public Faults withDuplicate(double p) {
        return new Faults(drop, p, reorder, reorderNanos, corrupt, delayNanos, jitterNanos, bitsPerSecond, queueBytes);
    }

    public Faults withReorder(double p, long holdNanos) {
        return new Faults(drop, duplicate, p, holdNanos, corrupt, delayNanos, jitterNanos, bitsPerSecond, queueBytes);
    }

    public Faults withCorrupt(double p) {
        return new Faults(drop, duplicate, reorder, reorderNanos, p, delayNanos, jitterNanos, bitsPerSecond, queueBytes);
    }

    public Faults withDelay(long nanos) {
        return new Faults(drop, duplicate, reorder, reorderNanos, corrupt, nanos, jitterNanos, bitsPerSecond, queueBytes);
    }

    public Faults withJitter(long nanos) {
        return new Faults(drop, duplicate, reorder, reorderNanos, corrupt, delayNanos, nanos, bitsPerSecond, queueBytes);
    }

    /** A bottleneck of {@code bitsPerSecond} with a drop-tail queue of {@code queueBytes} (0: unbounded). */
    public Faults withRate(long bitsPerSecond, long queueBytes) {
        return new Faults(drop, duplicate, reorder, reorderNanos, corrupt, delayNanos, jitterNanos, bitsPerSecond, queueBytes);
    }

    @Override
    public String toString() {
        return String.format("drop %.3f dup %.3f reorder %.3f/%dms corrupt %.3f delay %.3fms jitter %.3fms rate %d bit/s queue %d B",
                drop, duplicate, reorder, reorderNanos / MS, corrupt, delayNanos / (double) MS,
                jitterNanos / (double) MS, bitsPerSecond, queueBytes);
    }
}
