package org.tapline.stack.ip6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tapline.stack.ip.IpAddress;

/**
 * IPv6 reassembly (RFC 8200 §4.5): fragments keyed by source, destination and identification,
 * given up after {@link #TIMEOUT_NANOS} (then ICMPv6 Time Exceeded code 1 if the first fragment
 * came). Any overlap discards the whole datagram and its later fragments (RFC 5722); an exact
 * duplicate is ignored, as Linux does. Memory is bounded in total and per source (Linux's
 * ip6frag_high_thresh is 4 MiB). The result is the first fragment's fixed header followed by the
 * fragmentable part, in one reused buffer.
 */
final class Reassembly {
    static final long TIMEOUT_NANOS = 60_000_000_000L;
    static final int MAX_BYTES = 4 << 20;
    static final int MAX_BYTES_PER_SOURCE = 1 << 20;
    static final int MAX_DATAGRAMS = 1024;
    /** What RFC 4443 §2.4 (c) lets an error quote: 1280 less the IPv6 and ICMPv6 headers. */
    static final int QUOTE = 1280 - 40 - 8;

    private record Key(IpAddress source, IpAddress destination, long id) {}

    private static final class Pending {
        final long expires;
        final List<int[]> ranges = new ArrayList<>();
        final List<byte[]> pieces = new ArrayList<>();
        int total = -1;
        int bytes;
        int nextHeader;
        /** The first fragment as received, for the fixed header and the Time Exceeded quote. */
        byte[] first;
        boolean dead;

        Pending(long expires) {
            this.expires = expires;
        }
    }

    private final Ipv6Host host;
    private final Map<Key, Pending> pending = new HashMap<>();
    private final Map<IpAddress, Integer> perSource = new HashMap<>();
    private final MemorySegment result = Arena.ofAuto().allocate(40 + 65535);
    private int bytes;

    Reassembly(Ipv6Host host) {
        this.host = host;
    }

    /**
     * Adds the fragment of {@code pkt} whose fragment header is at {@code fh} and whose data is
     * the rest of {@code pkt}; returns the whole datagram once complete, else null.
     */
    MemorySegment add(IpAddress src, IpAddress dst, MemorySegment pkt, long fh, long now) {
        Ipv6Counters c = host.counters;
        int offset = Wire.u16(pkt, fh + 2) & 0xfff8;
        boolean more = (Wire.u16(pkt, fh + 2) & 1) != 0;
        int len = (int) (pkt.byteSize() - fh - 8);
        Key key = new Key(src, dst, Wire.u32(pkt, fh + 4));
        Pending p = pending.get(key);
        if (p == null) {
            if (pending.size() >= MAX_DATAGRAMS) {
                c.reasmFails++;
                return null;
            }
            p = new Pending(now + TIMEOUT_NANOS);
            pending.put(key, p);
        }
        if (p.dead) {
            return null;
        }
        int end = offset + len;
        for (int[] r : p.ranges) {
            if (r[0] == offset && r[1] == end) {
                return null; // an exact duplicate
            }
            if (offset < r[1] && r[0] < end) {
                kill(key, p);
                return null;
            }
        }
        if (!more && (p.total >= 0 && p.total != end || p.ranges.stream().anyMatch(r -> r[1] > end))
                || more && p.total >= 0 && end > p.total) {
            kill(key, p);
            return null;
        }
        int fromSource = perSource.getOrDefault(src, 0);
        if (bytes + len > MAX_BYTES || fromSource + len > MAX_BYTES_PER_SOURCE) {
            kill(key, p);
            return null;
        }
        if (!more) {
            p.total = end;
        }
        if (offset == 0) {
            p.nextHeader = Wire.u8(pkt, fh);
            p.first = pkt.asSlice(0, Math.min(pkt.byteSize(), QUOTE)).toArray(ValueLayout.JAVA_BYTE);
        }
        p.ranges.add(new int[] {offset, end});
        p.pieces.add(pkt.asSlice(fh + 8, len).toArray(ValueLayout.JAVA_BYTE));
        account(p, src, len);
        if (p.first == null || p.total < 0 || p.bytes != p.total) {
            return null;
        }
        MemorySegment.copy(MemorySegment.ofArray(p.first), 0, result, 0, 40);
        Wire.put16(result, 4, p.total);
        Wire.put8(result, 6, p.nextHeader);
        for (int i = 0; i < p.ranges.size(); i++) {
            MemorySegment.copy(MemorySegment.ofArray(p.pieces.get(i)), 0, result, 40 + p.ranges.get(i)[0],
                    p.pieces.get(i).length);
        }
        release(key, p);
        c.reasmOKs++;
        return result.asSlice(0, 40 + p.total);
    }

    private void account(Pending p, IpAddress src, int len) {
        p.bytes += len;
        bytes += len;
        perSource.merge(src, len, Integer::sum);
    }

    /** The datagram is given up: its memory goes, the entry stays until it expires to drop later fragments. */
    private void kill(Key key, Pending p) {
        host.counters.reasmFails++;
        p.dead = true;
        p.ranges.clear();
        p.pieces.clear();
        p.first = null;
        unaccount(key, p);
    }

    private void release(Key key, Pending p) {
        pending.remove(key);
        unaccount(key, p);
    }

    private void unaccount(Key key, Pending p) {
        bytes -= p.bytes;
        int n = p.bytes;
        perSource.computeIfPresent(key.source(), (k, v) -> v - n <= 0 ? null : v - n);
        p.bytes = 0;
    }

    void poll(long now) {
        for (var me : List.copyOf(pending.entrySet())) {
            Pending p = me.getValue();
            if (now - p.expires < 0) {
                continue;
            }
            release(me.getKey(), p);
            if (!p.dead) {
                host.counters.reasmFails++;
                host.counters.reasmTimeout++;
                if (p.first != null) {
                    // RFC 8200 §4.5: Time Exceeded, code 1, only when the first fragment came
                    MemorySegment first = MemorySegment.ofArray(p.first);
                    host.icmp.error(Icmp6.TIME_EXCEEDED, 1, 0, first, false, now);
                }
            }
        }
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Pending p : pending.values()) {
            next = Math.min(next, p.expires);
        }
        return next;
    }

    int pendingCount() {
        return pending.size();
    }
}
