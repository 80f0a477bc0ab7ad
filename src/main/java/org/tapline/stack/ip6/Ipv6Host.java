package org.tapline.stack.ip6;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.tapline.packet.Ethernet;
import org.tapline.packet.MacAddress;
import org.tapline.stack.FrameOut;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.EchoReplies;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.RouteTable;
import org.tapline.stack.ip.Transport;
import org.tapline.stack.neighbor.NeighborCache;

/**
 * The IPv6 side of a host on one Ethernet link: input, output, ICMPv6, Neighbor Discovery,
 * address autoconfiguration with DAD, MLD and the timers of them all. Pure like the rest of the
 * stack: frames in, frames out through {@link FrameOut}, {@code now} passed in, randomness from
 * the generator given (seeded in tests). Owned by the stack's lock.
 */
public final class Ipv6Host {
    /** What IPv6 needs from the rest of the host. */
    public interface Upper {
        /** Hands {@code d} to the transport of its protocol; null when there is none. */
        Transport.Delivery deliver(Datagram d, long now);

        /** An ICMPv6 error about a datagram a transport sent. */
        void error(IcmpProblem problem, int mtu, Datagram quoted, long now);

        /** Where echo replies go, or null. */
        EchoReplies echoReplies();
    }

    final MacAddress mac;
    final FrameOut out;
    final RandomGenerator random;
    final Upper upper;
    final Ipv6Counters counters = new Ipv6Counters();
    final RouteTable routes = new RouteTable();
    final PathMtu pmtu = new PathMtu();
    final Mld mld;
    final Addresses addresses;
    final Ndp ndp;
    final NeighborCache neighbors;
    final Ipv6Output output;
    final RouterDiscovery router;
    final Reassembly reassembly;
    final Icmp6 icmp;
    final Ipv6Input input;
    /** RFC 4861 §10 RetransTimer: DAD's wait; a router's RA may change it. */
    long retransNanos = NeighborCache.RETRANS_NANOS;
    private final List<Ipv6Interface> configured = new ArrayList<>();
    private boolean started;

    /**
     * @param mtu    the link's MTU
     * @param buffer where frames are written: at least 14 + 65535 bytes, reused
     */
    public Ipv6Host(MacAddress mac, int mtu, MemorySegment buffer, FrameOut out, RandomGenerator random, Upper upper) {
        this.mac = mac;
        this.out = out;
        this.random = random;
        this.upper = upper;
        this.mld = new Mld(this);
        this.addresses = new Addresses(this);
        this.ndp = new Ndp(this);
        this.neighbors = new NeighborCache(ndp);
        this.output = new Ipv6Output(this, mtu, buffer);
        this.router = new RouterDiscovery(this, mtu);
        this.reassembly = new Reassembly(this);
        this.icmp = new Icmp6(this);
        this.input = new Ipv6Input(this);
    }

    /** Adds a static address; before {@link #start}. */
    public void add(Ipv6Interface a) {
        if (started) {
            throw new IllegalStateException("IPv6 addresses are added before the stack starts");
        }
        configured.add(a);
    }

    /**
     * Forms the link-local address from the MAC (RFC 4862 §5.3, modified EUI-64), adds the static
     * ones with their on-link prefixes, starts DAD for all and router solicitation.
     */
    public void start(long now) {
        started = true;
        addresses.add(new IpAddress(0xfe80_0000_0000_0000L, Wire.eui64(mac)), 64, false, now);
        for (Ipv6Interface a : configured) {
            addresses.add(a.address(), a.prefix(), false, now);
            if (a.prefix() < 128) {
                routes.add(new RouteTable.Route(a.address(), a.prefix(), null, 0, RouterDiscovery.PREFIX_METRIC,
                        Long.MAX_VALUE));
            }
        }
        router.start(now);
    }

    /** An IPv6 frame ({@link Ethernet#TYPE_IPV6}) whose destination MAC passed {@link #acceptsMac} or is ours. */
    public void receive(Ethernet eth, long now) {
        input.receive(eth, now);
    }

    /** Whether a frame to group MAC {@code dst} is for us: 33:33:xx of a group we are in (RFC 2464 §7). */
    public boolean acceptsMac(MacAddress dst) {
        return mld.acceptsMac(dst);
    }

    public IpOutput.Result send(IpAddress src, IpAddress dst, int protocol, int hop, int flags, MemorySegment payload,
                                int length, long now) {
        if (!Wire.isMulticast(dst) && !addresses.owns(src)) {
            counters.outDiscards++;
            return IpOutput.Result.NO_ROUTE; // not an address we may send from (yet)
        }
        return output.send(src, dst, protocol, hop, flags, payload, length, now);
    }

    /** RFC 6724 source selection; null when no usable address or no route. */
    public IpAddress sourceFor(IpAddress dst, long now) {
        if (!Wire.isMulticast(dst) && output.nextHop(dst, now) == null) {
            return null;
        }
        return addresses.sourceFor(dst);
    }

    public int pathMtu(IpAddress dst, long now) {
        return pmtu.get(dst, output.linkMtu, now);
    }

    /** Whether {@code a} is one of our usable (not tentative, not duplicate) addresses. */
    public boolean isLocal(IpAddress a) {
        return addresses.owns(a);
    }

    /** RFC 4861 §7.3.1: an upper layer saw forward progress with {@code neighbor}. */
    public void reachable(IpAddress neighbor, long now) {
        neighbors.hint(neighbor, now);
    }

    public void poll(long now) {
        addresses.poll(now);
        router.poll(now);
        neighbors.poll(now);
        mld.poll(now);
        reassembly.poll(now);
        routes.expire(now);
        pmtu.expire(now);
    }

    public long nextDeadline() {
        long next = Math.min(addresses.nextDeadline(), router.nextDeadline());
        next = Math.min(next, Math.min(neighbors.nextDeadline(), mld.nextDeadline()));
        next = Math.min(next, Math.min(reassembly.nextDeadline(), routes.nextDeadline()));
        return Math.min(next, pmtu.nextDeadline());
    }

    public Ipv6Counters counters() {
        return counters;
    }

    public NeighborCache neighbors() {
        return neighbors;
    }

    public RouteTable routes() {
        return routes;
    }

    /** Our addresses as "addr/len state" lines. */
    public List<String> addressStates() {
        return addresses.all().stream().map(Object::toString).toList();
    }

    /** Appends the addresses, neighbours and counters (for SIGUSR1). */
    public void report(StringBuilder out) {
        for (String a : addressStates()) {
            out.append("inet6 ").append(a).append('\n');
        }
        neighbors.report(out);
        counters.report(out);
    }
}
