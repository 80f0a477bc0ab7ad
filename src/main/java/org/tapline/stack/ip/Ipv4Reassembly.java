package org.tapline.stack.ip;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;

/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815) for a host, against fragments from strangers:
 * <ul>
 * <li>a datagram is the fragments with one source, destination, protocol and identification; it
 *     has {@link #TIMEOUT_NANOS} from its first fragment (Linux ipfrag_time), then it is dropped,
 *     with ICMP time exceeded code 1 to the source if its first fragment came (RFC 792, RFC 1122
 *     §3.3.2);</li>
 * <li>fragments are kept sorted and may not overlap: an overlap drops the whole datagram (as
 *     Linux has since 2018, and RFC 5722 for IPv6), an exact duplicate is ignored. Without
 *     overlaps, RFC 815's hole list reduces to counting bytes: the datagram is complete when the
 *     last fragment fixed its length and the bytes received add up to it;</li>
 * <li>memory is charged for each fragment (its data plus {@link #FRAGMENT_OVERHEAD}), against a
 *     total of {@link #MAX_BYTES} (Linux ipfrag_high_thresh, 4 MiB) and {@link #MAX_BYTES_PER_SOURCE}
 *     per source, so that one flooding source cannot take all of it; a fragment over a cap drops
 *     its datagram. Nothing is allocated before its bytes are charged, and no datagram exceeds
 *     65535 bytes.</li>
 * </ul>
 * Pure: time is the {@code now} passed in. Owned by the stack's lock.
 */
public final class Ipv4Reassembly {
    /** Linux ipfrag_time: 30 s (RFC 1122 §3.3.2 recommends 60 to 120 s; Linux chose shorter). */
    public static final long TIMEOUT_NANOS = 30_000_000_000L;
    /** Linux ipfrag_high_thresh: all datagrams being reassembled together. */
    public static final int MAX_BYTES = 4 << 20;
    /**
     * One source's share: eight full 64 KiB datagrams in flight, plenty for a real peer (NFS over
     * UDP sends a few at a time), while a flood needs eight sources to fill {@link #MAX_BYTES}.
     */
    public static final int MAX_BYTES_PER_SOURCE = 512 << 10;
    /** Bookkeeping charged per fragment, so 8-byte fragments cannot hold many entries for free. */
    public static final int FRAGMENT_OVERHEAD = 64;
    /** RFC 791: the total length field is 16 bits. */
    public static final int MAX_DATAGRAM = 65535;
    /** What an ICMP error quotes of the first fragment: its header and up to 548 bytes (576 in all). */
    private static final int QUOTE_BYTES = 576 - 28;

    /** Told when a datagram times out after its first fragment came. */
    @FunctionalInterface
    public interface Expired {
        /** {@code first}: the first fragment's header and the start of its data. */
        void timedOut(MemorySegment first, int length, long now);
    }

    private record Key(int source, int destination, int protocol, int id) { }

    private record Fragment(int offset, int end, byte[] data) { }

    private static final class Assembly {
        final long started;
        final List<Fragment> fragments = new ArrayList<>();
        /** The first fragment's header (with options), or null until it comes. */
        byte[] header;
        /** The data length, or -1 until the last fragment comes. */
        int total = -1;
        int received;
        int charged;

        Assembly(long started) {
            this.started = started;
        }
    }

    private final Map<Key, Assembly> assemblies = new HashMap<>();
    private final Map<Integer, Integer> chargedBySource = new HashMap<>();
    private final Ipv4Counters counters;
    private final MemorySegment buffer = Arena.ofAuto().allocate(MAX_DATAGRAM);
    private final MemorySegment quote = Arena.ofAuto().allocate(QUOTE_BYTES + 60);
    private int charged;

    public Ipv4Reassembly(Ipv4Counters counters) {
        this.counters = counters;
    }

    /**
     * Takes fragment {@code ip} (header checked by the caller, totalLength present); returns the
     * whole datagram when this fragment completed it (a view into a buffer reused by the next
     * call), else {@code null}.
     */
    public Ipv4 add(Ipv4 ip, long now) {
        counters.reasmReqds++;
        int offset = ip.fragmentOffset();
        int length = ip.totalLength() - ip.headerLength();
        int end = offset + length;
        boolean more = ip.moreFragments();
        Key key = new Key(ip.sourceBits(), ip.destinationBits(), ip.protocol(), ip.identification());
        Assembly a = assemblies.get(key);
        // RFC 791: all but the last fragment carry a multiple of 8 bytes; none reaches past 64 KiB.
        if (more && (length == 0 || length % 8 != 0) || end + ip.headerLength() > MAX_DATAGRAM) {
            return fail(key, a);
        }
        if (a == null) {
            a = new Assembly(now);
            assemblies.put(key, a);
        }
        if (!more) {
            if (a.total >= 0 && a.total != end || end < lastEnd(a)) {
                return fail(key, a); // two different ends, or data past the end
            }
            a.total = end;
        } else if (a.total >= 0 && end > a.total) {
            return fail(key, a);
        }
        int at = insertionPoint(a.fragments, offset);
        if (at > 0) {
            Fragment prev = a.fragments.get(at - 1);
            if (prev.offset == offset && prev.end == end) {
                return null; // an exact duplicate: keep what we have
            }
            if (prev.end > offset) {
                return fail(key, a);
            }
        }
        if (at < a.fragments.size() && a.fragments.get(at).offset < end) {
            return fail(key, a);
        }
        int charge = length + FRAGMENT_OVERHEAD;
        int bySource = chargedBySource.getOrDefault(key.source, 0);
        if (charged + charge > MAX_BYTES || bySource + charge > MAX_BYTES_PER_SOURCE) {
            return fail(key, a);
        }
        charged += charge;
        chargedBySource.put(key.source, bySource + charge);
        a.charged += charge;
        byte[] data = new byte[length];
        MemorySegment.copy(ip.segment(), ip.transportOffset(), MemorySegment.ofArray(data), 0, length);
        a.fragments.add(at, new Fragment(offset, end, data));
        a.received += length;
        if (offset == 0) {
            a.header = new byte[ip.headerLength()];
            MemorySegment.copy(ip.segment(), ip.transportOffset() - ip.headerLength(), MemorySegment.ofArray(a.header), 0,
                    a.header.length);
        }
        if (a.total < 0 || a.received != a.total) {
            return null;
        }
        release(key, a);
        counters.reasmOKs++;
        return assemble(a);
    }

    /** Drops the datagrams whose time ran out by {@code now}; tells {@code expired} of those whose first fragment came. */
    public void poll(long now, Expired expired) {
        Iterator<Map.Entry<Key, Assembly>> it = assemblies.entrySet().iterator();
        List<Assembly> told = null;
        while (it.hasNext()) {
            var me = it.next();
            Assembly a = me.getValue();
            if (now - (a.started + TIMEOUT_NANOS) < 0) {
                continue;
            }
            it.remove();
            uncharge(me.getKey(), a);
            counters.reasmTimeout++;
            counters.reasmFails++;
            if (a.header != null) {
                if (told == null) {
                    told = new ArrayList<>();
                }
                told.add(a);
            }
        }
        // Outside the iteration: the callback sends, which must not meet a half-walked map.
        if (told != null) {
            for (Assembly a : told) {
                Fragment first = a.fragments.getFirst();
                MemorySegment.copy(MemorySegment.ofArray(a.header), 0, quote, 0, a.header.length);
                int n = Math.min(first.data.length, QUOTE_BYTES);
                MemorySegment.copy(MemorySegment.ofArray(first.data), 0, quote, a.header.length, n);
                expired.timedOut(quote, a.header.length + n, now);
            }
        }
    }

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Assembly a : assemblies.values()) {
            next = Math.min(next, a.started + TIMEOUT_NANOS);
        }
        return next;
    }

    /** Datagrams being reassembled. */
    public int pending() {
        return assemblies.size();
    }

    /** Bytes charged against {@link #MAX_BYTES}. */
    public int charged() {
        return charged;
    }

    private Ipv4 assemble(Assembly a) {
        Ipv4 first = Ipv4.of(MemorySegment.ofArray(a.header), 0, a.header.length);
        // The datagram as if never fragmented; options are not kept: a host steps over them anyway.
        new Ipv4Header(first.tos(), first.identification(), first.dontFragment(), false, 0, first.ttl(), first.protocol(),
                new Ipv4Address(first.sourceBits()), new Ipv4Address(first.destinationBits()), a.total).emitTo(buffer, 0);
        for (Fragment f : a.fragments) {
            MemorySegment.copy(MemorySegment.ofArray(f.data), 0, buffer, Ipv4.MIN_HEADER_LENGTH + f.offset, f.data.length);
        }
        return Ipv4.of(buffer, 0, Ipv4.MIN_HEADER_LENGTH + a.total);
    }

    private Ipv4 fail(Key key, Assembly a) {
        counters.reasmFails++;
        if (a != null) {
            release(key, a);
        }
        return null;
    }

    private void release(Key key, Assembly a) {
        assemblies.remove(key);
        uncharge(key, a);
    }

    private void uncharge(Key key, Assembly a) {
        charged -= a.charged;
        int left = chargedBySource.getOrDefault(key.source, 0) - a.charged;
        if (left <= 0) {
            chargedBySource.remove(key.source);
        } else {
            chargedBySource.put(key.source, left);
        }
    }

    private static int lastEnd(Assembly a) {
        return a.fragments.isEmpty() ? 0 : a.fragments.getLast().end;
    }

    /** Index of the first fragment whose offset is greater than {@code offset}. */
    private static int insertionPoint(List<Fragment> fragments, int offset) {
        int lo = 0;
        int hi = fragments.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (fragments.get(mid).offset <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
