package org.tapline.stack.ip;

import java.util.HashMap;
import java.util.Map;

/**
 * Path MTU per destination (RFC 1191): lowered by ICMP fragmentation-needed messages, never
 * raised by them, forgotten after {@link #EXPIRES_NANOS} so that a larger path is found again
 * (RFC 1191 §6.3; Linux's mtu_expires). Never below {@link #MIN_MTU}, Linux's min_pmtu: a report
 * below it (a router on a tiny link, or an attacker trying to make us send 68-byte fragments)
 * sets the path MTU to 552 and "locks" it, so datagrams to that destination go without DF and the
 * router fragments them, as Linux does. Bounded: beyond {@link #MAX_ENTRIES} the entry that
 * expires first is dropped. Pure; owned by the stack's lock.
 */
public final class Ipv4PathMtu {
    /** Linux min_pmtu: 512 + 40, the smallest path MTU we accept. */
    public static final int MIN_MTU = 552;
    /** Linux mtu_expires: 10 minutes (RFC 1191 §6.3 suggests "10 minutes" too). */
    public static final long EXPIRES_NANOS = 600_000_000_000L;
    public static final int MAX_ENTRIES = 1024;
    /** RFC 1191 §7's plateaus, for a router that reports no next-hop MTU (an RFC 792 one). */
    private static final int[] PLATEAUS = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    private static final class Entry {
        int mtu;
        long expires;
        boolean locked;
    }

    private final Map<IpAddress, Entry> entries = new HashMap<>();

    /** The path MTU towards {@code destination} over a link of {@code linkMtu}. */
    public int get(IpAddress destination, int linkMtu) {
        Entry e = entries.get(destination);
        return e == null ? linkMtu : Math.min(e.mtu, linkMtu);
    }

    /** Whether datagrams to {@code destination} must go without DF (the path is below {@link #MIN_MTU}). */
    public boolean locked(IpAddress destination) {
        Entry e = entries.get(destination);
        return e != null && e.locked;
    }

    /**
     * A fragmentation-needed message about a datagram to {@code destination} of
     * {@code quotedLength} bytes: returns the new path MTU, or -1 when the report changes
     * nothing (it is not lower than what we use).
     *
     * @param reported the Next-Hop MTU field, 0 from a router that predates RFC 1191
     */
    public int update(IpAddress destination, int reported, int quotedLength, int linkMtu, long now) {
        int current = get(destination, linkMtu);
        int mtu = reported != 0 ? reported : plateauBelow(quotedLength);
        boolean locked = mtu < MIN_MTU;
        if (!locked && mtu >= current) {
            return -1; // RFC 1191 §6.3: never raise the estimate on a report
        }
        if (locked) {
            mtu = MIN_MTU;
            if (mtu > current || mtu == current && locked(destination)) {
                return -1; // already there
            }
        }
        Entry e = entries.get(destination);
        if (e == null) {
            if (entries.size() >= MAX_ENTRIES) {
                evictOldest();
            }
            e = new Entry();
            entries.put(destination, e);
        }
        e.mtu = mtu;
        e.locked = locked;
        e.expires = now + EXPIRES_NANOS;
        return mtu;
    }

    /** Forgets the estimates that expired by {@code now}. */
    public void expire(long now) {
        entries.values().removeIf(e -> now - e.expires >= 0);
    }

    /** When {@link #expire} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            next = Math.min(next, e.expires);
        }
        return next;
    }

    public int size() {
        return entries.size();
    }

    private static int plateauBelow(int length) {
        for (int p : PLATEAUS) {
            if (p < length) {
                return p;
            }
        }
        return 68;
    }

    private void evictOldest() {
        IpAddress oldest = null;
        long when = 0;
        for (var me : entries.entrySet()) {
            if (oldest == null || me.getValue().expires - when < 0) {
                oldest = me.getKey();
                when = me.getValue().expires;
            }
        }
        entries.remove(oldest);
    }
}
