package org.tapline.stack.ip6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.tapline.packet.Icmpv6;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.neighbor.NeighborCache;

/**
 * Neighbor Discovery on Ethernet (RFC 4861 §7): answers solicitations for our addresses, feeds
 * advertisements to the {@link NeighborCache} (§7.2.5), sends the solicitations it asks for
 * (multicast to the solicited-node group, then unicast probes) and the DAD probes of RFC 4862
 * §5.4.2; a datagram whose next hop never answers is reported to its transport as address
 * unreachable (§7.2.2). Every message is checked as §7.1 says: hop limit 255, code 0, its length, no option of
 * length zero. Redirects are ignored, as RFC 4861 §8.3 allows a host to (we keep no destination cache).
 *
 * <pre>
 *  NS/NA (§4.3, §4.4): type | code | checksum | flags R S O (NA) / reserved (32) | target (128) | options
 *  option (§4.6): type (8) | length in 8 bytes (8) | value; link-layer address: type 1 source, 2 target
 * </pre>
 */
final class Ndp implements NeighborCache.Prober {
    static final int HOP_LIMIT = 255;
    static final int OPT_SOURCE_LL = 1;
    static final int OPT_TARGET_LL = 2;
    static final int OPT_PREFIX = 3;
    static final int OPT_MTU = 5;
    /** {@link #option} results that are not an offset. */
    static final long MALFORMED = -1;
    static final long ABSENT = -2;
    private static final int NS_LENGTH = 24;

    private final Ipv6Host host;
    private final MemorySegment scratch = Arena.ofAuto().allocate(64);

    Ndp(Ipv6Host host) {
        this.host = host;
    }

    /**
     * The offset of the first option of {@code type} in {@code [from, end)}, {@link #ABSENT}, or
     * {@link #MALFORMED} when any option has length zero or runs past the end (§4.6).
     */
    static long option(MemorySegment s, long from, long end, int type) {
        long found = ABSENT;
        for (long at = from; at < end; ) {
            if (end - at < 2) {
                return MALFORMED;
            }
            int len = Wire.u8(s, at + 1) * 8;
            if (len == 0 || at + len > end) {
                return MALFORMED;
            }
            if (found == ABSENT && Wire.u8(s, at) == type) {
                found = at;
            }
            at += len;
        }
        return found;
    }

    /** The Ethernet address in the link-layer option at {@code at}, or null when absent or not 6 bytes long. */
    static MacAddress linkAddress(MemorySegment s, long at) {
        if (at < 0 || Wire.u8(s, at + 1) != 1) {
            return null;
        }
        return MacAddress.read(s, at + 2);
    }

    /** A Neighbor Solicitation; false when malformed. */
    boolean solicitation(IpAddress src, IpAddress dst, int hop, MacAddress ethSrc, MemorySegment s, long off, int len,
                         long now) {
        if (hop != HOP_LIMIT || Wire.u8(s, off + 1) != 0 || len < NS_LENGTH) {
            return false;
        }
        IpAddress target = IpAddress.readV6(s, off + 8);
        long opt = option(s, off + NS_LENGTH, off + len, OPT_SOURCE_LL);
        // §7.1.1: from :: only to a solicited-node group and without a source link-layer option
        if (Wire.isMulticast(target) || opt == MALFORMED
                || src.isUnspecified() && (opt != ABSENT || !isSolicitedNode(dst))) {
            return false;
        }
        Addresses.Address a = host.addresses.find(target);
        if (a == null || a.state == Addresses.State.DUPLICATE) {
            return true;
        }
        if (a.state == Addresses.State.TENTATIVE) {
            // RFC 4862 §5.4.3: another node's DAD for the same address; from a unicast source it is
            // resolution, which a tentative address ignores.
            if (src.isUnspecified()) {
                host.addresses.duplicate(a, "duplicate address detection from another node", now);
            }
            return true;
        }
        if (src.isUnspecified()) {
            // §7.2.4: answer a DAD probe for an address we hold to all nodes, not solicited
            advertise(Wire.groupMac(Wire.ALL_NODES), target, Wire.ALL_NODES, false);
            return true;
        }
        MacAddress sll = linkAddress(s, opt);
        if (sll != null) {
            host.neighbors.learn(src, sll, true, now); // §7.2.3
        }
        advertise(sll != null ? sll : ethSrc, target, src, true);
        return true;
    }

    /** A Neighbor Advertisement; false when malformed. */
    boolean advertisement(IpAddress dst, int hop, MemorySegment s, long off, int len, long now) {
        if (hop != HOP_LIMIT || Wire.u8(s, off + 1) != 0 || len < NS_LENGTH) {
            return false;
        }
        int flags = Wire.u8(s, off + 4);
        boolean solicited = (flags & Icmpv6.NA_SOLICITED) != 0;
        boolean override = (flags & Icmpv6.NA_OVERRIDE) != 0;
        IpAddress target = IpAddress.readV6(s, off + 8);
        long opt = option(s, off + NS_LENGTH, off + len, OPT_TARGET_LL);
        // §7.1.2: the target is not multicast; an advertisement to a group is not solicited
        if (Wire.isMulticast(target) || opt == MALFORMED || solicited && Wire.isMulticast(dst)) {
            return false;
        }
        Addresses.Address a = host.addresses.find(target);
        if (a != null) {
            if (a.state == Addresses.State.TENTATIVE) {
                host.addresses.duplicate(a, "neighbour advertisement", now); // RFC 4862 §5.4.4
            }
            return true;
        }
        NeighborCache cache = host.neighbors;
        NeighborCache.State st = cache.state(target);
        if (st == null) {
            return true; // §7.2.5: no entry, nothing to update
        }
        MacAddress tll = linkAddress(s, opt);
        if (st == NeighborCache.State.INCOMPLETE) {
            if (tll != null) {
                if (solicited) {
                    cache.confirm(target, tll, now);
                } else {
                    cache.learn(target, tll, false, now);
                }
            }
            return true;
        }
        MacAddress old = cache.peek(target);
        boolean changed = tll != null && !tll.equals(old);
        if (!override && changed) {
            if (st == NeighborCache.State.REACHABLE) {
                cache.stale(target, now);
            }
            return true;
        }
        if (solicited) {
            cache.confirm(target, tll != null ? tll : old, now);
        } else if (changed) {
            cache.learn(target, tll, false, now);
        }
        return true;
    }

    /** Sends a Neighbor Advertisement for our {@code target} (§7.2.4): override set, router clear. */
    private void advertise(MacAddress to, IpAddress target, IpAddress dst, boolean solicited) {
        Wire.put32(scratch, 0, (long) Icmpv6.NEIGHBOR_ADVERTISEMENT << 24);
        Wire.put32(scratch, 4, (long) (Icmpv6.NA_OVERRIDE | (solicited ? Icmpv6.NA_SOLICITED : 0)) << 24);
        target.toIpv6().writeTo(scratch, 8);
        int len = linkOption(OPT_TARGET_LL, NS_LENGTH);
        send(to, target, dst, len);
    }

    @Override
    public void solicit(IpAddress target, MacAddress to, long now) {
        IpAddress src = host.addresses.sourceFor(target);
        if (src == null) {
            return; // no usable address yet: nothing to solicit from
        }
        IpAddress dst = to == null ? Wire.solicitedNode(target) : target;
        int len = solicitationMessage(target, true);
        send(to == null ? Wire.groupMac(dst) : to, src, dst, len);
    }

    /** RFC 4862 §5.4.2: from ::, to the solicited-node group, no options. */
    void solicitForDad(IpAddress target) {
        IpAddress dst = Wire.solicitedNode(target);
        send(Wire.groupMac(dst), IpAddress.ANY_V6, dst, solicitationMessage(target, false));
    }

    /** A Router Solicitation (§4.1), with our link-layer address unless it is sent from ::. */
    void solicitRouters() {
        IpAddress src = host.addresses.linkLocal();
        Wire.put32(scratch, 0, (long) Icmpv6.ROUTER_SOLICITATION << 24);
        Wire.put32(scratch, 4, 0);
        int len = src == null ? 8 : linkOption(OPT_SOURCE_LL, 8);
        send(Wire.groupMac(Wire.ALL_ROUTERS), src == null ? IpAddress.ANY_V6 : src, Wire.ALL_ROUTERS, len);
    }

    private int solicitationMessage(IpAddress target, boolean withSource) {
        Wire.put32(scratch, 0, (long) Icmpv6.NEIGHBOR_SOLICITATION << 24);
        Wire.put32(scratch, 4, 0);
        target.toIpv6().writeTo(scratch, 8);
        return withSource ? linkOption(OPT_SOURCE_LL, NS_LENGTH) : NS_LENGTH;
    }

    private int linkOption(int type, int at) {
        Wire.put8(scratch, at, type);
        Wire.put8(scratch, at + 1, 1);
        host.mac.writeTo(scratch, at + 2);
        return at + 8;
    }

    private void send(MacAddress to, IpAddress src, IpAddress dst, int len) {
        Wire.icmpChecksum(scratch, len, src, dst);
        host.counters.icmpOutMsgs++;
        host.counters.icmpOutType[Wire.u8(scratch, 0)]++;
        host.output.sendLink(to, src, dst, HOP_LIMIT, false, scratch, len);
    }

    @Override
    public void send(IpAddress target, MacAddress mac, MemorySegment datagram, long now) {
        host.output.sendQueued(mac, datagram);
    }

    @Override
    public void failed(IpAddress target, MemorySegment datagram, long now) {
        host.counters.outDiscards++;
        host.icmp.unreachable(datagram, now);
    }

    static boolean isSolicitedNode(IpAddress a) {
        return a.hi() == 0xff02_0000_0000_0000L && (a.lo() >>> 24) == 0x1ffL;
    }
}
