package org.tapline.stack.neighbor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/**
 * Neighbour reachability for one link and one address family, with RFC 4861 §7.3.2's states,
 * which gVisor (and Linux, as NUD) use for ARP too: INCOMPLETE while resolving (a few datagrams
 * queued), REACHABLE after a confirmation, STALE after {@link #REACHABLE_NANOS} or on unsolicited
 * news, DELAY when a STALE entry is used, PROBE (unicast solicitations) when DELAY ends without a
 * confirmation. Pure: time is the {@code now} passed in and {@link #nextDeadline} says when
 * {@link #poll} has work; solicitations and queued datagrams go out through the {@link Prober}.
 * Owned by the stack's lock.
 */
public final class NeighborCache {
    /** RFC 4861 §10 REACHABLE_TIME (Linux base_reachable_time, 30 s). */
    public static final long REACHABLE_NANOS = 30_000_000_000L;
    /** RFC 4861 §10 RETRANS_TIMER: at most one solicitation a second per target. */
    public static final long RETRANS_NANOS = 1_000_000_000L;
    /** RFC 4861 §10 DELAY_FIRST_PROBE_TIME. */
    public static final long DELAY_NANOS = 5_000_000_000L;
    /** RFC 4861 §10 MAX_MULTICAST_SOLICIT and MAX_UNICAST_SOLICIT. */
    public static final int MAX_SOLICITS = 3;
    /** Linux's gc_stale_time: an unused STALE entry is forgotten after 60 s. */
    public static final long STALE_NANOS = 60_000_000_000L;
    /** Datagrams queued per unresolved neighbour (RFC 1122 §2.3.2.2 asks for at least one). */
    public static final int QUEUE_PER_NEIGHBOR = 3;
    /** Bounds memory against a flood that makes us resolve many addresses. */
    public static final int MAX_ENTRIES = 1024;

    public enum State { INCOMPLETE, REACHABLE, STALE, DELAY, PROBE }

    /** What the cache asks of the ARP or NDP code that owns it. */
    public interface Prober {
        /** Sends a request / neighbour solicitation for {@code target}: broadcast or multicast when {@code to} is null, else unicast to {@code to}. */
        void solicit(IpAddress target, MacAddress to, long now);

        /** {@code target} resolved: send a datagram that waited for it. */
        void send(IpAddress target, MacAddress mac, MemorySegment datagram, long now);

        /** Resolution failed: a datagram that waited is dropped (RFC 4861 §7.2.2: ICMP address unreachable to its source). */
        void failed(IpAddress target, MemorySegment datagram, long now);
    }

    private static final class Entry {
        MacAddress mac;
        State state;
        /** When the state next moves on. */
        long until;
        int solicits;
        ArrayDeque<MemorySegment> queue;
    }

    private final Map<IpAddress, Entry> entries = new HashMap<>();
    private final Prober prober;
    /** Datagrams dropped from a full queue (the oldest goes, as Linux's unres_qlen does). */
    private long queueDrops;
    private long reachableNanos = REACHABLE_NANOS;
    private long retransNanos = RETRANS_NANOS;

    public NeighborCache(Prober prober) {
        this.prober = prober;
    }

    /**
     * The link address to send to {@code ip} now, or {@code null} when it is not known yet
     * (then {@link #enqueue} the datagram). Starts resolution for an unknown address and moves a
     * STALE entry to DELAY (RFC 4861 §7.3.3).
     */
    public MacAddress resolve(IpAddress ip, long now) {
        Entry e = entries.get(ip);
        if (e == null) {
            e = create(ip, now);
            if (e == null) {
                return null;
            }
            e.state = State.INCOMPLETE;
            e.solicits = 1;
            e.until = now + retransNanos;
            prober.solicit(ip, null, now);
            return null;
        }
        if (e.state == State.INCOMPLETE) {
            return null;
        }
        if (e.state == State.STALE) {
            e.state = State.DELAY;
            e.until = now + DELAY_NANOS;
        }
        return e.mac;
    }

    /**
     * Keeps a copy of {@code datagram} until {@code ip} resolves (after a {@link #resolve} that
     * returned null). Returns false when there is no entry to wait on (the cache is full).
     */
    public boolean enqueue(IpAddress ip, MemorySegment datagram) {
        Entry e = entries.get(ip);
        if (e == null || e.state != State.INCOMPLETE) {
            return false;
        }
        if (e.queue == null) {
            e.queue = new ArrayDeque<>(QUEUE_PER_NEIGHBOR);
        }
        if (e.queue.size() == QUEUE_PER_NEIGHBOR) {
            e.queue.removeFirst();
            queueDrops++;
        }
        MemorySegment copy = Arena.ofAuto().allocate(datagram.byteSize());
        copy.copyFrom(datagram);
        e.queue.addLast(copy);
        return true;
    }

    /**
     * Reachability confirmed by {@code ip} itself (an ARP reply to our request, a solicited
     * neighbour advertisement): REACHABLE, and what waited is sent.
     */
    public void confirm(IpAddress ip, MacAddress mac, long now) {
        Entry e = entries.get(ip);
        if (e == null) {
            e = create(ip, now);
            if (e == null) {
                return;
            }
        }
        e.mac = mac;
        e.state = State.REACHABLE;
        e.until = now + reachableNanos;
        e.solicits = 0;
        flush(ip, e, now);
    }

    /**
     * News about {@code ip} that is not a confirmation (its own ARP request, a solicitation or
     * router advertisement with its link-layer address, an unsolicited advertisement): per RFC
     * 4861 §7.2.3 and §7.2.5 a new or changed address makes the entry STALE; an unchanged one
     * keeps its state. {@code create}: whether to add an entry that does not exist.
     */
    public void learn(IpAddress ip, MacAddress mac, boolean create, long now) {
        Entry e = entries.get(ip);
        if (e == null) {
            if (!create || (e = create(ip, now)) == null) {
                return;
            }
        } else if (e.state != State.INCOMPLETE && mac.equals(e.mac)) {
            return;
        }
        e.mac = mac;
        e.state = State.STALE;
        e.until = now + STALE_NANOS;
        e.solicits = 0;
        flush(ip, e, now);
    }

    /** An upper layer saw forward progress with {@code ip} (RFC 4861 §7.3.1, e.g. a TCP ACK of new data). */
    public void hint(IpAddress ip, long now) {
        Entry e = entries.get(ip);
        if (e != null && e.state != State.INCOMPLETE) {
            e.state = State.REACHABLE;
            e.until = now + reachableNanos;
            e.solicits = 0;
        }
    }

    /**
     * RFC 4861 §7.2.5: an advertisement without the override flag and with another link address
     * makes a REACHABLE entry STALE, keeping the address it had.
     */
    public void stale(IpAddress ip, long now) {
        Entry e = entries.get(ip);
        if (e != null && e.state == State.REACHABLE) {
            e.state = State.STALE;
            e.until = now + STALE_NANOS;
        }
    }

    /** RFC 4861 §6.3.4: a router's ReachableTime and RetransTimer replace the defaults (0 keeps one). */
    public void setTimes(long reachableNanos, long retransNanos) {
        if (reachableNanos > 0) {
            this.reachableNanos = reachableNanos;
        }
        if (retransNanos > 0) {
            this.retransNanos = retransNanos;
        }
    }

    /** Runs the state changes and retransmissions due at {@code now}. */
    public void poll(long now) {
        List<Map.Entry<IpAddress, Entry>> failed = null;
        var it = entries.entrySet().iterator();
        while (it.hasNext()) {
            var me = it.next();
            Entry e = me.getValue();
            if (now - e.until < 0) {
                continue;
            }
            switch (e.state) {
                case REACHABLE -> {
                    e.state = State.STALE;
                    e.until = now + STALE_NANOS;
                }
                case DELAY -> {
                    e.state = State.PROBE;
                    e.solicits = 1;
                    e.until = now + retransNanos;
                    prober.solicit(me.getKey(), e.mac, now);
                }
                case INCOMPLETE, PROBE -> {
                    if (e.solicits < MAX_SOLICITS) {
                        e.solicits++;
                        e.until = now + retransNanos;
                        prober.solicit(me.getKey(), e.state == State.PROBE ? e.mac : null, now);
                    } else {
                        it.remove();
                        if (e.queue != null) {
                            if (failed == null) {
                                failed = new ArrayList<>();
                            }
                            failed.add(me);
                        }
                    }
                }
                case STALE -> it.remove();
            }
        }
        // After the walk: the prober may send, which may resolve, which adds to the map.
        if (failed != null) {
            for (var me : failed) {
                fail(me.getKey(), me.getValue(), now);
            }
        }
    }

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            next = Math.min(next, e.until);
        }
        return next;
    }

    /** The state of {@code ip}'s entry, or {@code null} if none. */
    public State state(IpAddress ip) {
        Entry e = entries.get(ip);
        return e == null ? null : e.state;
    }

    /** The link address known for {@code ip} without changing any state, or {@code null}. */
    public MacAddress peek(IpAddress ip) {
        Entry e = entries.get(ip);
        return e == null ? null : e.mac;
    }

    public int size() {
        return entries.size();
    }

    public long queueDrops() {
        return queueDrops;
    }

    /** Appends one line per entry, as {@code ip neigh} prints them. */
    public void report(StringBuilder out) {
        entries.forEach((ip, e) -> out.append(ip).append(e.mac == null ? "" : " lladdr " + e.mac)
                .append(' ').append(e.state).append('\n'));
    }

    private Entry create(IpAddress ip, long now) {
        if (entries.size() >= MAX_ENTRIES) {
            // Make room from STALE entries before refusing: they are the ones no one uses.
            entries.values().removeIf(x -> x.state == State.STALE);
            if (entries.size() >= MAX_ENTRIES) {
                return null;
            }
        }
        Entry e = new Entry();
        entries.put(ip, e);
        return e;
    }

    private void flush(IpAddress ip, Entry e, long now) {
        if (e.queue != null) {
            while (!e.queue.isEmpty()) {
                prober.send(ip, e.mac, e.queue.removeFirst(), now);
            }
            e.queue = null;
        }
    }

    private void fail(IpAddress ip, Entry e, long now) {
        if (e.queue != null) {
            for (MemorySegment d : e.queue) {
                prober.failed(ip, d, now);
            }
            e.queue = null;
        }
    }
}
