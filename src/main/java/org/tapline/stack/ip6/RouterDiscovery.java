package org.tapline.stack.ip6;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.RouteTable;

/**
 * Router discovery and stateless address autoconfiguration for a host: up to three Router
 * Solicitations 4 s apart after a random delay of up to 1 s (RFC 4861 §6.3.7), and Router
 * Advertisements processed as §6.3.4 says: the router becomes the default route for its router
 * lifetime, prefixes with the L flag become on-link routes, prefixes with the A flag and length 64
 * become addresses (RFC 4862 §5.5.3, with its two-hour rule for the valid lifetime) whose
 * interface identifier is the modified EUI-64 of our MAC (RFC 4291 Appendix A: Linux's default
 * addr_gen_mode 0), the MTU option lowers the link MTU, and reachable time and retrans timer
 * replace the neighbour cache's.
 *
 * <pre>
 *  RA (§4.2): type | code | checksum | cur hop limit (8) | M O flags (8) | router lifetime s (16)
 *             | reachable time ms (32) | retrans timer ms (32) | options
 *  prefix information (§4.6.2): 3 | 4 | prefix length | L A flags | valid s (32) | preferred s (32)
 *             | reserved (32) | prefix (128)
 * </pre>
 */
final class RouterDiscovery {
    static final long RS_INTERVAL_NANOS = 4_000_000_000L;
    static final int MAX_RS = 3;
    /** RFC 4862 §5.5.3 (e): a valid lifetime is not cut below two hours by an unauthenticated RA. */
    static final long TWO_HOURS_NANOS = 7200_000_000_000L;
    /** Linux's metrics for RA routes: on-link prefixes 256, default routers 1024. */
    static final int PREFIX_METRIC = 256;
    static final int DEFAULT_METRIC = 1024;
    private static final int RA_LENGTH = 16;
    private static final int PREFIX_OPTION_LENGTH = 32;
    private static final int FLAG_ON_LINK = 0x80;
    private static final int FLAG_AUTONOMOUS = 0x40;
    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;

    private final Ipv6Host host;
    private final int physicalMtu;
    private long rsAt = Long.MAX_VALUE;
    private int rsSent;
    private boolean heard;

    RouterDiscovery(Ipv6Host host, int physicalMtu) {
        this.host = host;
        this.physicalMtu = physicalMtu;
    }

    void start(long now) {
        rsAt = now + (long) (host.random.nextDouble() * Addresses.START_DELAY_NANOS);
    }

    void poll(long now) {
        if (now - rsAt < 0) {
            return;
        }
        if (heard || rsSent >= MAX_RS) {
            rsAt = Long.MAX_VALUE;
            return;
        }
        host.ndp.solicitRouters();
        rsSent++;
        rsAt = rsSent < MAX_RS ? now + RS_INTERVAL_NANOS : Long.MAX_VALUE;
    }

    long nextDeadline() {
        return rsAt;
    }

    /** A Router Advertisement; false when malformed (§6.1.2). */
    boolean advertisement(IpAddress src, int hop, MemorySegment s, long off, int len, long now) {
        if (!Wire.isLinkLocal(src) || hop != Ndp.HOP_LIMIT || Wire.u8(s, off + 1) != 0 || len < RA_LENGTH
                || Ndp.option(s, off + RA_LENGTH, off + len, 0) == Ndp.MALFORMED) {
            return false;
        }
        heard = true;
        int curHopLimit = Wire.u8(s, off + 4);
        if (curHopLimit != 0) {
            host.output.hopLimit = curHopLimit;
        }
        int lifetime = Wire.u16(s, off + 6);
        IpAddress any = IpAddress.ANY_V6;
        if (lifetime == 0) {
            host.routes.remove(any, 0, src, 0);
        } else {
            host.routes.add(new RouteTable.Route(any, 0, src, 0, DEFAULT_METRIC, now + lifetime * SECOND));
        }
        long reachable = Wire.u32(s, off + 8);
        long retrans = Wire.u32(s, off + 12);
        if (retrans != 0) {
            host.retransNanos = retrans * MILLI;
        }
        // §6.3.2: ReachableTime is a random multiple between 0.5 and 1.5 of BaseReachableTime.
        long reachableNanos = (long) (reachable * MILLI * (0.5 + host.random.nextDouble()));
        host.neighbors.setTimes(reachableNanos, retrans * MILLI);
        for (long at = off + RA_LENGTH; at < off + len; at += Wire.u8(s, at + 1) * 8L) {
            int type = Wire.u8(s, at);
            int optLen = Wire.u8(s, at + 1) * 8;
            if (type == Ndp.OPT_SOURCE_LL) {
                MacAddress mac = Ndp.linkAddress(s, at);
                if (mac != null) {
                    host.neighbors.learn(src, mac, true, now);
                }
            } else if (type == Ndp.OPT_MTU && optLen == 8) {
                long mtu = Wire.u32(s, at + 4);
                if (mtu >= PathMtu.MIN_MTU && mtu <= physicalMtu) {
                    host.output.linkMtu = (int) mtu;
                }
            } else if (type == Ndp.OPT_PREFIX && optLen == PREFIX_OPTION_LENGTH) {
                prefix(s, at, now);
            }
        }
        return true;
    }

    private void prefix(MemorySegment s, long at, long now) {
        int length = Wire.u8(s, at + 2);
        int flags = Wire.u8(s, at + 3);
        long valid = Wire.u32(s, at + 4);
        long preferred = Wire.u32(s, at + 8);
        IpAddress prefix = IpAddress.readV6(s, at + 16);
        // RFC 4861 §6.3.4 and RFC 4862 §5.5.3 (b, c): not the link-local prefix, not preferred beyond valid
        if (length > 128 || Wire.isLinkLocal(prefix) || Wire.isMulticast(prefix) || preferred > valid) {
            return;
        }
        prefix = RouteTable.mask(prefix, length);
        if ((flags & FLAG_ON_LINK) != 0) {
            if (valid == 0) {
                host.routes.remove(prefix, length, null, 0);
            } else {
                host.routes.add(new RouteTable.Route(prefix, length, null, 0, PREFIX_METRIC, until(valid, now)));
            }
        }
        if ((flags & FLAG_AUTONOMOUS) != 0 && length == 64) {
            autoconfigure(prefix, valid, preferred, now);
        }
    }

    /** RFC 4862 §5.5.3 (d, e). */
    private void autoconfigure(IpAddress prefix, long valid, long preferred, long now) {
        IpAddress a = new IpAddress(prefix.hi(), Wire.eui64(host.mac));
        Addresses.Address x = host.addresses.find(a);
        if (x == null) {
            if (valid == 0 || (x = host.addresses.add(a, 64, true, now)) == null) {
                return;
            }
            x.preferredUntil = until(preferred, now);
            x.validUntil = until(valid, now);
            return;
        }
        if (!x.autoconf || x.state == Addresses.State.DUPLICATE) {
            return;
        }
        x.preferredUntil = until(preferred, now);
        if (x.state == Addresses.State.DEPRECATED && preferred > 0) {
            x.state = Addresses.State.PREFERRED;
        }
        long remaining = x.validUntil == Long.MAX_VALUE ? Long.MAX_VALUE : x.validUntil - now;
        long received = until(valid, now);
        if (valid * SECOND > TWO_HOURS_NANOS || received == Long.MAX_VALUE || valid * SECOND > remaining) {
            x.validUntil = received;
        } else if (remaining > TWO_HOURS_NANOS) {
            x.validUntil = now + TWO_HOURS_NANOS;
        }
    }

    private static long until(long seconds, long now) {
        return seconds == 0xffff_ffffL ? Long.MAX_VALUE : now + seconds * SECOND;
    }
}
