package org.tapline.stack.neighbor;

import java.util.HashMap;
import java.util.Map;

import org.tapline.packet.MacAddress;

/**
 * IPv4 address to MAC, with the reachability states RFC 4861 §7.3.2 gives NDP (gVisor uses them
 * for ARP too): an entry learned from the peer's own ARP is REACHABLE for
 * {@link #REACHABLE_NANOS}, then STALE (still used: a later slice probes it), and is forgotten
 * {@link #STALE_NANOS} later. Pure: time is the {@code now} passed in (nanoseconds), and
 * {@link #nextDeadline} says when {@link #expire} next has work. Owned by the stack's loop.
 */
public final class ArpCache {
    /** RFC 4861 §10 REACHABLE_TIME, 30 s, as Linux and gVisor use for ARP. */
    public static final long REACHABLE_NANOS = 30_000_000_000L;
    /** Linux's gc_stale_time, 60 s: how long a STALE entry is kept. */
    public static final long STALE_NANOS = 60_000_000_000L;
    /** Bounds memory against an ARP flood from many sources. */
    public static final int MAX_ENTRIES = 1024;

    /** The states this slice uses; INCOMPLETE and PROBE come with requests of our own. */
    public enum State { REACHABLE, STALE }

    private static final class Entry {
        MacAddress mac;
        State state;
        /** When the entry moves on: REACHABLE to STALE, or STALE to gone. */
        long until;
    }

    private final Map<Integer, Entry> entries = new HashMap<>();

    /** Records that {@code ip} is at {@code mac}, confirmed by the peer itself at {@code now}. */
    public void confirm(int ip, MacAddress mac, long now) {
        Entry e = entries.get(ip);
        if (e == null) {
            if (entries.size() >= MAX_ENTRIES) {
                expire(now);
                if (entries.size() >= MAX_ENTRIES) {
                    return;
                }
            }
            e = new Entry();
            entries.put(ip, e);
        }
        e.mac = mac;
        e.state = State.REACHABLE;
        e.until = now + REACHABLE_NANOS;
    }

    /** Whether {@code ip} has an entry (RFC 826: "if the pair is already in the table, update it"). */
    public boolean contains(int ip) {
        return entries.containsKey(ip);
    }

    /** The MAC for {@code ip}, or {@code null}. */
    public MacAddress lookup(int ip, long now) {
        expire(now);
        Entry e = entries.get(ip);
        return e == null ? null : e.mac;
    }

    /** The state of {@code ip}'s entry at {@code now}, or {@code null} if none. */
    public State state(int ip, long now) {
        expire(now);
        Entry e = entries.get(ip);
        return e == null ? null : e.state;
    }

    /** Moves entries whose time has come: REACHABLE to STALE, STALE out. */
    public void expire(long now) {
        var it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (now - e.until < 0) {
                continue;
            }
            if (e.state == State.REACHABLE) {
                e.state = State.STALE;
                e.until += STALE_NANOS;
                if (now - e.until < 0) {
                    continue;
                }
            }
            it.remove();
        }
    }

    /** When {@link #expire} next changes something, or {@link Long#MAX_VALUE} if never. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            next = Math.min(next, e.until);
        }
        return next;
    }

    public int size() {
        return entries.size();
    }
}
