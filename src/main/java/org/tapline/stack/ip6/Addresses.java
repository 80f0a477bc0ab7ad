package org.tapline.stack.ip6;

import java.util.ArrayList;
import java.util.List;

import org.tapline.stack.ip.IpAddress;

/**
 * The host's IPv6 addresses with their RFC 4862 states: each starts TENTATIVE and sends one
 * Duplicate Address Detection solicitation after a random delay of up to 1 s (§5.4.2,
 * MAX_RTR_SOLICITATION_DELAY), becomes PREFERRED when RetransTimer (1 s) passes without a
 * conflict, DEPRECATED when its preferred lifetime ends, and goes when its valid lifetime ends
 * (§5.5.4). One found DUPLICATE is never used. Source selection (RFC 6724 §5) picks among them.
 */
final class Addresses {
    enum State { TENTATIVE, PREFERRED, DEPRECATED, DUPLICATE }

    /** One address; mutable, owned by the stack's lock. */
    static final class Address {
        final IpAddress address;
        final int prefix;
        /** Formed by SLAAC from a router's prefix (lifetimes from its RAs). */
        final boolean autoconf;
        State state = State.TENTATIVE;
        /** TENTATIVE: when the DAD solicitation goes out, then when DAD ends. */
        long dadAt;
        boolean dadSent;
        long preferredUntil = Long.MAX_VALUE;
        long validUntil = Long.MAX_VALUE;

        Address(IpAddress address, int prefix, boolean autoconf) {
            this.address = address;
            this.prefix = prefix;
            this.autoconf = autoconf;
        }

        boolean usable() {
            return state == State.PREFERRED || state == State.DEPRECATED;
        }

        @Override
        public String toString() {
            return address + "/" + prefix + " " + state.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** RFC 4861 §10 MAX_RTR_SOLICITATION_DELAY: DAD and RS wait up to this long at first. */
    static final long START_DELAY_NANOS = 1_000_000_000L;
    /** Bounds the addresses routers can make us form. */
    static final int MAX_ADDRESSES = 16;
    private static final System.Logger LOG = System.getLogger("org.tapline.stack.ip6");

    private final Ipv6Host host;
    private final List<Address> list = new ArrayList<>();

    Addresses(Ipv6Host host) {
        this.host = host;
    }

    /** Adds a tentative address and joins its solicited-node group (RFC 4862 §5.4.2); null when full or known. */
    Address add(IpAddress a, int prefix, boolean autoconf, long now) {
        if (find(a) != null || list.size() >= MAX_ADDRESSES) {
            return null;
        }
        Address x = new Address(a, prefix, autoconf);
        x.dadAt = now + (long) (host.random.nextDouble() * START_DELAY_NANOS);
        list.add(x);
        host.mld.join(Wire.solicitedNode(a), now);
        return x;
    }

    Address find(IpAddress a) {
        for (Address x : list) {
            if (x.address.equals(a)) {
                return x;
            }
        }
        return null;
    }

    /** Whether {@code a} is ours and may be used (not tentative, not duplicate). */
    boolean owns(IpAddress a) {
        Address x = find(a);
        return x != null && x.usable();
    }

    /** DAD found {@code x} in use by another node (RFC 4862 §5.4.5): never used. */
    void duplicate(Address x, String how, long now) {
        if (x.state == State.DUPLICATE) {
            return;
        }
        x.state = State.DUPLICATE;
        LOG.log(System.Logger.Level.WARNING, "IPv6 address " + x.address + " is in use on the link (" + how
                + "): duplicate, not used");
        leaveIfUnused(x.address, now);
    }

    void remove(Address x, long now) {
        list.remove(x);
        leaveIfUnused(x.address, now);
    }

    private void leaveIfUnused(IpAddress a, long now) {
        IpAddress group = Wire.solicitedNode(a);
        for (Address y : list) {
            if (y.state != State.DUPLICATE && Wire.solicitedNode(y.address).equals(group)) {
                return;
            }
        }
        host.mld.leave(group, now);
    }

    void poll(long now) {
        for (Address x : List.copyOf(list)) {
            if (now - x.validUntil >= 0) {
                remove(x, now);
                continue;
            }
            if (x.state == State.TENTATIVE && now - x.dadAt >= 0) {
                if (!x.dadSent) {
                    x.dadSent = true;
                    x.dadAt = now + host.retransNanos;
                    host.ndp.solicitForDad(x.address);
                } else {
                    x.state = State.PREFERRED;
                }
            }
            if (x.state == State.PREFERRED && now - x.preferredUntil >= 0) {
                x.state = State.DEPRECATED;
            }
        }
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Address x : list) {
            next = Math.min(next, x.validUntil);
            if (x.state == State.TENTATIVE) {
                next = Math.min(next, x.dadAt);
            } else if (x.state == State.PREFERRED) {
                next = Math.min(next, x.preferredUntil);
            }
        }
        return next;
    }

    /** A usable link-local address, or null. */
    IpAddress linkLocal() {
        for (Address x : list) {
            if (x.usable() && Wire.isLinkLocal(x.address)) {
                return x.address;
            }
        }
        return null;
    }

    /**
     * RFC 6724 §5 source selection among usable addresses for {@code dst}: rule 1 (the
     * destination itself), rule 2 (appropriate scope), rule 3 (avoid deprecated), rule 8
     * (longest matching prefix). Null when none is usable.
     */
    IpAddress sourceFor(IpAddress dst) {
        Address best = null;
        for (Address x : list) {
            if (x.usable() && (best == null || better(x, best, dst))) {
                best = x;
            }
        }
        return best == null ? null : best.address;
    }

    private static boolean better(Address a, Address b, IpAddress d) {
        if (a.address.equals(d) != b.address.equals(d)) {
            return a.address.equals(d); // rule 1
        }
        int sa = Wire.scope(a.address);
        int sb = Wire.scope(b.address);
        int sd = Wire.scope(d);
        if (sa != sb) {
            return sa < sb ? sa >= sd : sb < sd; // rule 2
        }
        if ((a.state == State.DEPRECATED) != (b.state == State.DEPRECATED)) {
            return b.state == State.DEPRECATED; // rule 3
        }
        return commonPrefix(a.address, d) > commonPrefix(b.address, d); // rule 8
    }

    static int commonPrefix(IpAddress a, IpAddress b) {
        long hi = a.hi() ^ b.hi();
        return hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(a.lo() ^ b.lo());
    }

    List<Address> all() {
        return list;
    }
}
