package org.tapline.stack.ip6;

import java.util.HashMap;
import java.util.Map;

import org.tapline.stack.ip.IpAddress;

/**
 * Path MTUs learned from Packet Too Big messages (RFC 8201): per destination, never below
 * 1280 (§4), and forgotten after {@link #AGE_NANOS} so that a larger MTU is tried again (§4:
 * no sooner than 5 minutes; Linux's mtu_expires is 10 minutes). Bounded: when full, the entry
 * that expires first makes room.
 */
final class PathMtu {
    /** The IPv6 minimum link MTU (RFC 8200 §5). */
    static final int MIN_MTU = 1280;
    static final long AGE_NANOS = 600_000_000_000L;
    static final int MAX_ENTRIES = 1024;

    private record Entry(int mtu, long expires) {}

    private final Map<IpAddress, Entry> entries = new HashMap<>();

    /** The MTU towards {@code dst}: the smaller of the link's and a learned one. */
    int get(IpAddress dst, int linkMtu, long now) {
        Entry e = entries.get(dst);
        if (e == null || now - e.expires >= 0) {
            return linkMtu;
        }
        return Math.min(linkMtu, e.mtu);
    }

    /** A Packet Too Big said {@code mtu} towards {@code dst}: only ever lowers the estimate. */
    void lower(IpAddress dst, long mtu, int linkMtu, long now) {
        int m = (int) Math.max(MIN_MTU, Math.min(mtu, linkMtu));
        if (m >= get(dst, linkMtu, now)) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES && !entries.containsKey(dst)) {
            expire(now);
            if (entries.size() >= MAX_ENTRIES) {
                IpAddress first = null;
                long soonest = Long.MAX_VALUE;
                for (var me : entries.entrySet()) {
                    if (first == null || me.getValue().expires - soonest < 0) {
                        first = me.getKey();
                        soonest = me.getValue().expires;
                    }
                }
                entries.remove(first);
            }
        }
        entries.put(dst, new Entry(m, now + AGE_NANOS));
    }

    void expire(long now) {
        entries.values().removeIf(e -> now - e.expires >= 0);
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            next = Math.min(next, e.expires);
        }
        return next;
    }
}
