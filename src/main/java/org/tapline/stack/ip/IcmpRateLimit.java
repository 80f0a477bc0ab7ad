package org.tapline.stack.ip;

import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets for ICMP and ICMPv6 errors (RFC 1812 §4.3.2.8, RFC 4443 §2.4 (f)), with Linux's
 * defaults: one error a second per destination with a burst of six (icmp_ratelimit 1000 ms,
 * XRLIM_BURST_FACTOR 6) and 1000 a second in all with a burst of 50 (icmp_msgs_per_sec,
 * icmp_msgs_burst). Family-neutral: keyed by {@link IpAddress}. Pure: time is the {@code now}
 * passed in; credits are kept in nanoseconds of waiting, so no division happens per packet.
 * Owned by the stack's lock.
 */
public final class IcmpRateLimit {
    /** Per destination: one error per second (Linux icmp_ratelimit, 1000 ms). */
    public static final long HOST_INTERVAL_NANOS = 1_000_000_000L;
    /** Per destination burst (Linux XRLIM_BURST_FACTOR). */
    public static final int HOST_BURST = 6;
    /** In all: 1000 errors a second (Linux icmp_msgs_per_sec). */
    public static final long GLOBAL_INTERVAL_NANOS = 1_000_000L;
    /** In all: burst (Linux icmp_msgs_burst). */
    public static final int GLOBAL_BURST = 50;
    /** Destinations tracked; beyond it idle ones are forgotten, then only the global bucket applies. */
    public static final int MAX_HOSTS = 4096;

    /** A bucket: credit in nanoseconds as of {@code last}. */
    private static final class Bucket {
        long credit;
        long last;
    }

    private final Map<IpAddress, Bucket> hosts = new HashMap<>();
    private final Bucket global = new Bucket();
    private final long hostInterval;
    private final long globalInterval;

    public IcmpRateLimit() {
        this(HOST_INTERVAL_NANOS, GLOBAL_INTERVAL_NANOS);
    }

    /** @param hostInterval nanoseconds per error to one destination; @param globalInterval in all */
    public IcmpRateLimit(long hostInterval, long globalInterval) {
        this.hostInterval = hostInterval;
        this.globalInterval = globalInterval;
        global.credit = globalInterval * GLOBAL_BURST;
    }

    /** Whether an error to {@code destination} may be sent at {@code now}; takes its tokens if so. */
    public boolean allow(IpAddress destination, long now) {
        Bucket h = hosts.get(destination);
        if (h == null) {
            h = newBucket(destination, now);
        }
        long hostCap = hostInterval * HOST_BURST;
        long globalCap = globalInterval * GLOBAL_BURST;
        boolean hostOk = h == null || refill(h, hostCap, now) >= hostInterval;
        boolean globalOk = refill(global, globalCap, now) >= globalInterval;
        if (!hostOk || !globalOk) {
            return false;
        }
        if (h != null) {
            h.credit -= hostInterval;
        }
        global.credit -= globalInterval;
        return true;
    }

    public int hosts() {
        return hosts.size();
    }

    private static long refill(Bucket b, long cap, long now) {
        long elapsed = now - b.last;
        b.last = now;
        if (elapsed > 0) {
            b.credit = cap - b.credit <= elapsed ? cap : b.credit + elapsed;
        }
        return b.credit;
    }

    /** A full bucket for a new destination, or {@code null} when the table stays full. */
    private Bucket newBucket(IpAddress destination, long now) {
        if (hosts.size() >= MAX_HOSTS) {
            long cap = hostInterval * HOST_BURST;
            // A bucket that has refilled is the same as no bucket: forget it.
            hosts.values().removeIf(b -> now - b.last >= cap - b.credit);
            if (hosts.size() >= MAX_HOSTS) {
                return null;
            }
        }
        Bucket b = new Bucket();
        b.credit = hostInterval * HOST_BURST;
        b.last = now;
        hosts.put(destination, b);
        return b;
    }
}
