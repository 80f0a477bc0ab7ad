package org.tapline.stack.ip;

import java.util.ArrayList;
import java.util.List;

/**
 * The stack's routes, both families in one table (IPv4 prefixes are held as IPv4-mapped
 * prefixes, 96 bits longer): the longest matching prefix wins, then the lowest metric
 * (RFC 1812 §5.2.4.3, as Linux's FIB). Owned by the stack's lock.
 */
public final class RouteTable {
    /**
     * One route.
     *
     * @param prefix   the destination prefix (host bits zero)
     * @param length   prefix length in the address's own family (0-32 for IPv4, 0-128 for IPv6)
     * @param gateway  the next hop, or {@code null} for an on-link prefix
     * @param ifIndex  the interface
     * @param metric   lower is preferred among equal prefixes
     * @param expires  when a learned route (RA) lapses, nanoseconds; {@link Long#MAX_VALUE} for never
     */
    public record Route(IpAddress prefix, int length, IpAddress gateway, int ifIndex, int metric, long expires) {
        public Route {
            int max = prefix.isV4() ? 32 : 128;
            if (length < 0 || length > max) {
                throw new IllegalArgumentException("prefix length " + length + " is not between 0 and " + max);
            }
            prefix = mask(prefix, length);
        }

        /** Whether {@code a} is inside this route's prefix. */
        public boolean contains(IpAddress a) {
            return a.isV4() == prefix.isV4() && mask(a, length).equals(prefix);
        }

        @Override
        public String toString() {
            return (length == 0 ? "default" : prefix + "/" + length) + (gateway == null ? "" : " via " + gateway)
                    + " if " + ifIndex + (metric == 0 ? "" : " metric " + metric);
        }
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route, replacing one with the same prefix, length, gateway and interface. */
    public void add(Route r) {
        remove(r.prefix(), r.length(), r.gateway(), r.ifIndex());
        routes.add(r);
    }

    /** Removes the matching route; returns whether there was one. */
    public boolean remove(IpAddress prefix, int length, IpAddress gateway, int ifIndex) {
        IpAddress p = mask(prefix, length);
        return routes.removeIf(x -> x.prefix().equals(p) && x.length() == length && x.ifIndex() == ifIndex
                && (x.gateway() == null ? gateway == null : x.gateway().equals(gateway)));
    }

    /** The route for {@code destination} at {@code now}, or {@code null}. */
    public Route lookup(IpAddress destination, long now) {
        Route best = null;
        for (Route r : routes) {
            if (now - r.expires() >= 0 && r.expires() != Long.MAX_VALUE || !r.contains(destination)) {
                continue;
            }
            if (best == null || r.length() > best.length() || r.length() == best.length() && r.metric() < best.metric()) {
                best = r;
            }
        }
        return best;
    }

    /** Drops learned routes that lapsed by {@code now}. */
    public void expire(long now) {
        routes.removeIf(r -> r.expires() != Long.MAX_VALUE && now - r.expires() >= 0);
    }

    /** The earliest expiry of a learned route, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Route r : routes) {
            next = Math.min(next, r.expires());
        }
        return next;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** {@code a} with the bits after the first {@code length} (of its own family) cleared. */
    public static IpAddress mask(IpAddress a, int length) {
        int bits = a.isV4() ? 96 + length : length;
        long hiMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
        long loMask = bits <= 64 ? 0 : bits >= 128 ? -1L : -1L << (128 - bits);
        return new IpAddress(a.hi() & hiMask, a.lo() & loMask);
    }
}
