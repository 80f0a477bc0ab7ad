package org.tapline.stack.sim;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.LongSupplier;

import org.tapline.packet.Ethernet;
import org.tapline.stack.FrameOut;

/**
 * One direction of a simulated link in virtual time: a {@link FrameOut} that copies each frame
 * (a FrameOut's frame is valid only during the call), applies {@link Faults} and hands the copies
 * to a {@link Sink} with their arrival times. Deterministic for a seed: every frame draws the same
 * number of random values in the same order, whatever the faults, so two wires with the same
 * seed and different fault settings see the same random stream per frame.
 *
 * <p>Order of effects per frame: drop; the rate limit's queue (tail drop when full) and
 * serialisation; corruption; propagation delay plus jitter; reorder hold; duplication (the copy
 * arrives with the original, corrupted alike).
 */
public final class FaultyWire implements FrameOut {
    /** Where the wire puts a frame: {@code frame} is the wire's own copy. */
    @FunctionalInterface
    public interface Sink {
        void deliver(long arrival, byte[] frame);
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Random random;
    private final LongSupplier clock;
    private final Sink sink;
    private Faults faults;
    /** When the serialiser finishes the frames it holds (rate limit). */
    private long linkFreeAt = Long.MIN_VALUE;

    /** Frames given to the wire. */
    public long sent;
    public long bytesSent;
    /** Frames lost by {@link Faults#drop}. */
    public long dropped;
    /** Frames lost because the rate limit's queue was full. */
    public long queueDrops;
    /** Extra copies made by {@link Faults#duplicate}. */
    public long duplicated;
    public long reordered;
    /** Copies delivered with a changed byte. */
    public long corrupted;
    /** Copies handed to the sink (duplicates included). */
    public long delivered;

    /**
     * @param clock the virtual time of a {@link #send} (the sender's {@code now})
     */
    public FaultyWire(Faults faults, long seed, LongSupplier clock, Sink sink) {
        this.faults = faults;
        this.random = new Random(seed);
        this.clock = clock;
        this.sink = sink;
    }

    /** Changes the faults from the next frame on (e.g. after ARP resolved on a clean wire). */
    public void setFaults(Faults faults) {
        this.faults = faults;
    }

    public Faults faults() {
        return faults;
    }

    /** Zeroes the counters (to count from a point of a run on). */
    public void resetCounters() {
        sent = bytesSent = dropped = queueDrops = duplicated = reordered = corrupted = delivered = 0;
    }

    @Override
    public void send(MemorySegment frame) {
        long now = clock.getAsLong();
        int length = (int) frame.byteSize();
        sent++;
        bytesSent += length;
        Faults f = faults;
        // A fixed set of draws per frame keeps the stream aligned whatever the settings.
        double dropDraw = random.nextDouble();
        double dupDraw = random.nextDouble();
        double reorderDraw = random.nextDouble();
        double corruptDraw = random.nextDouble();
        double jitterDraw = random.nextDouble();
        int corruptAt = random.nextInt(Integer.MAX_VALUE);
        int corruptXor = 1 + random.nextInt(255);
        if (dropDraw < f.drop()) {
            dropped++;
            return;
        }
        long departs = now;
        if (f.bitsPerSecond() > 0) {
            long busyUntil = Math.max(now, linkFreeAt);
            long backlog = bytesIn(busyUntil - now, f.bitsPerSecond());
            if (f.queueBytes() > 0 && backlog + length > f.queueBytes()) {
                queueDrops++;
                return;
            }
            linkFreeAt = busyUntil + Math.ceilDiv(length * 8L * NANOS_PER_SECOND, f.bitsPerSecond());
            departs = linkFreeAt;
        }
        byte[] copy = frame.toArray(ValueLayout.JAVA_BYTE);
        boolean corrupt = corruptDraw < f.corrupt() && length > Ethernet.HEADER_LENGTH;
        if (corrupt) {
            // After the Ethernet header, so the frame still reaches its host and its checksums catch it.
            int at = Ethernet.HEADER_LENGTH + corruptAt % (length - Ethernet.HEADER_LENGTH);
            copy[at] ^= (byte) corruptXor;
        }
        long arrival = departs + f.delayNanos() + (long) (jitterDraw * f.jitterNanos());
        if (reorderDraw < f.reorder()) {
            reordered++;
            arrival += f.reorderNanos();
        }
        deliver(arrival, copy, corrupt);
        if (dupDraw < f.duplicate()) {
            duplicated++;
            deliver(arrival, copy.clone(), corrupt);
        }
    }

    private void deliver(long arrival, byte[] copy, boolean corrupt) {
        delivered++;
        if (corrupt) {
            corrupted++;
        }
        sink.deliver(arrival, copy);
    }

    /** Bytes a serialiser at {@code bps} sends in {@code nanos}, rounded up. */
    private static long bytesIn(long nanos, long bps) {
        return (long) Math.ceil(nanos * (double) bps / (8.0 * NANOS_PER_SECOND));
    }

    /** The counters in one line. */
    public String line() {
        return sent + " sent, " + dropped + " dropped, " + queueDrops + " queue drops, " + duplicated + " duplicated, "
                + reordered + " reordered, " + corrupted + " corrupted, " + delivered + " delivered";
    }
}
