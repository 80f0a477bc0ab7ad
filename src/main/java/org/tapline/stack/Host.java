package org.tapline.stack;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.tapline.packet.Arp;
import org.tapline.packet.Ethernet;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.EchoReplies;
import org.tapline.stack.ip.IcmpCounters;
import org.tapline.stack.ip.IcmpRateLimit;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.Ipv4Counters;
import org.tapline.stack.ip.Ipv4Layer;
import org.tapline.stack.ip.RouteTable;
import org.tapline.stack.ip.Transport;
import org.tapline.stack.ip6.Ipv6Host;
import org.tapline.stack.ip6.Ipv6Interface;
import org.tapline.stack.neighbor.ArpResponder;
import org.tapline.stack.neighbor.NeighborCache;
import org.tapline.stack.tcp.TcpTransport;

/**
 * The protocol state of one host on one link, Ethernet or raw IP (TUN): frames in, frames out,
 * no I/O and no clock of its own ({@code now} in nanoseconds is passed in). Used by one thread at
 * a time: the stack's loop or an API call, holding the stack's lock (or a test). Transports
 * ({@link #addTransport}) receive their datagrams and send through {@link #ip()}. Each address
 * family has its own receive method ({@link #receiveIpv4}, {@link #receiveIpv6}), reached from
 * the EtherType on Ethernet and from the version nibble on a raw-IP link.
 */
public final class Host implements IpOutput {
    /** The largest frame: a 64 KiB datagram and an Ethernet header. */
    private static final int OUT_BYTES = 65535 + Ethernet.HEADER_LENGTH;
    /** The version nibble of a raw-IP frame. */
    private static final int IPV4_VERSION = 4;
    private static final int IPV6_VERSION = 6;
    /** RFC 8200 §5: every IPv6 link carries 1280 bytes. */
    private static final int IPV6_MIN_MTU = 1280;

    private final MacAddress mac;
    private final List<Ipv4Interface> addresses;
    private final Counters counters;
    private final FrameOut out;
    private final RouteTable routes = new RouteTable();
    private final IcmpRateLimit icmpRateLimit = new IcmpRateLimit();
    private final MemorySegment buffer = Arena.ofAuto().allocate(OUT_BYTES, 64);
    private final Ipv4Layer ipv4;
    /** Answers ARP; null on a raw-IP link. */
    private final ArpResponder arp;
    private final List<Transport> transports = new ArrayList<>();
    private final TcpTransport tcp;
    /** The IPv6 side (NDP, SLAAC, MLD); null on a raw-IP link, where IPv6 is counted and ignored for now. */
    private final Ipv6Host ipv6;
    private EchoReplies echoReplies;
    /** The time of the frame or timer being handled, for calls that pass no time. */
    private long lastNow;

    public Host(MacAddress mac, List<Ipv4Interface> addresses, Counters counters, FrameOut out) {
        this(mac, addresses, 1500, counters, out);
    }

    /**
     * A host on an Ethernet link.
     *
     * @param mtu the link's MTU: the largest IP datagram it carries
     */
    public Host(MacAddress mac, List<Ipv4Interface> addresses, int mtu, Counters counters, FrameOut out) {
        this(mac, addresses, mtu, counters, out, new SplittableRandom());
    }

    /**
     * A host on an Ethernet link (or raw IP when {@code mac} is null) whose random choices (IPv6
     * start-up delays and identifiers) come from {@code random}: a seeded one repeats a simulation.
     */
    public Host(MacAddress mac, List<Ipv4Interface> addresses, int mtu, Counters counters, FrameOut out,
                RandomGenerator random) {
        this.mac = mac;
        this.addresses = List.copyOf(addresses);
        this.counters = counters;
        this.out = out;
        Ipv4Layer.addOnLinkRoutes(this.addresses, routes);
        this.ipv4 = new Ipv4Layer(mac, this.addresses, routes, mtu, buffer, this::sendFrame, this, this::deliver,
                this::transport, this::echoReplies, icmpRateLimit);
        this.arp = mac == null ? null : new ArpResponder(mac, ipv4::owns, ipv4.arpCache());
        this.ipv6 = mac == null ? null
                : new Ipv6Host(mac, mtu, buffer, this::sendFrame, random, ipv6Upper());
        this.tcp = new TcpTransport(this);
        addTransport(tcp);
    }

    /** What the IPv6 side needs from the host: its transports and the echo listener. */
    private Ipv6Host.Upper ipv6Upper() {
        return new Ipv6Host.Upper() {
            @Override
            public Transport.Delivery deliver(Datagram d, long now) {
                Transport.Delivery r = Host.this.deliver(d, now);
                if (r == Transport.Delivery.NO_PORT) {
                    counters.noPort++;
                }
                return r;
            }

            @Override
            public void error(org.tapline.stack.ip.IcmpProblem problem, int mtu, Datagram quoted, long now) {
                Transport t = transport(quoted.protocol);
                if (t != null) {
                    t.error(problem, mtu, quoted, now);
                }
            }

            @Override
            public EchoReplies echoReplies() {
                return echoReplies;
            }
        };
    }

    /** Adds a static IPv6 address ("fd00::124/64"); before {@link #start}. */
    public void addIpv6(Ipv6Interface address) {
        if (ipv6 == null) {
            throw new IllegalArgumentException("IPv6 on a raw-IP link comes in a later slice");
        }
        ipv6.add(address);
    }

    /** The IPv6 side (addresses, neighbours, counters); null on a raw-IP link. */
    public Ipv6Host ipv6() {
        return ipv6;
    }

    /** TCP: what TcpSocket and TcpServerSocket open connections and listeners on. */
    public TcpTransport tcp() {
        return tcp;
    }

    /** A host on a raw-IP link (TUN, link type 101): no link header, no ARP. */
    public static Host rawIp(List<Ipv4Interface> addresses, int mtu, Counters counters, FrameOut out) {
        return new Host(null, addresses, mtu, counters, out);
    }

    /** Adds an upper-layer protocol; one per protocol number. */
    public void addTransport(Transport t) {
        for (Transport have : transports) {
            if (have.protocol() == t.protocol()) {
                throw new IllegalArgumentException("protocol " + t.protocol() + " already has a transport");
            }
        }
        transports.add(t);
    }

    /** Receives the echo replies that reach this host (set by the stack's ping call). */
    public void setEchoReplies(EchoReplies replies) {
        this.echoReplies = replies;
    }

    /** The echo-reply listener, or null: for the ICMP layers. */
    public EchoReplies echoReplies() {
        return echoReplies;
    }

    /** Appends every transport's report (see {@link Transport#report}). */
    public void report(StringBuilder out) {
        ipv4.report(out);
        for (Transport t : transports) {
            t.report(out);
        }
        if (ipv6 != null) {
            ipv6.report(out);
        }
    }

    /** How transports send. */
    public IpOutput ip() {
        return this;
    }

    /** Announces every address with a gratuitous ARP (RFC 5227 §3); nothing on a raw-IP link. */
    public void start(long now) {
        if (arp == null) {
            return;
        }
        for (Ipv4Interface a : addresses) {
            send(arp.announce(a.address(), buffer));
        }
        ipv6.start(now);
    }

    /** Handles one received frame; malformed input is counted and dropped, never thrown. */
    public void receive(MemorySegment frame, long now) {
        lastNow = now;
        counters.framesIn++;
        try {
            if (mac == null) {
                receiveRaw(frame, now);
            } else {
                receiveEthernet(frame, now);
            }
        } catch (RuntimeException e) {
            // A view that met bytes it did not expect: the frame is bad, the stack goes on.
            counters.malformed++;
        }
    }

    private void receiveEthernet(MemorySegment frame, long now) {
        Ethernet eth = Ethernet.of(frame, 0, frame.byteSize());
        if (eth == null || eth.problem() != null) {
            counters.malformed++;
            return;
        }
        MacAddress dst = eth.destination();
        boolean broadcast = dst.equals(MacAddress.BROADCAST);
        if (!dst.equals(mac) && !broadcast && !ipv6.acceptsMac(dst) || eth.tagCount() != 0) {
            counters.ignored++; // another station's frame, or a VLAN we are not on
            return;
        }
        switch (eth.etherType()) {
            case Ethernet.TYPE_ARP -> {
                Arp view = Arp.of(frame, eth.payloadOffset(), eth.payloadLength());
                switch (arp.receive(view, now, buffer)) {
                    case ANSWERED -> {
                        counters.arpAnswered++;
                        send(arp.replyLength());
                    }
                    case MALFORMED -> counters.malformed++;
                    case IGNORED -> counters.ignored++;
                    case LEARNED -> { }
                }
            }
            case Ethernet.TYPE_IPV4 -> receiveIpv4(frame, eth.payloadOffset(), eth.payloadLength(), broadcast, now);
            case Ethernet.TYPE_IPV6 -> ipv6.receive(eth, now);
            default -> counters.ignored++;
        }
    }

    /** A raw-IP frame: the version nibble (RFC 791, RFC 8200) picks the family. */
    private void receiveRaw(MemorySegment frame, long now) {
        int version = frame.byteSize() == 0 ? 0 : (frame.get(ValueLayout.JAVA_BYTE, 0) & 0xf0) >>> 4;
        switch (version) {
            case IPV4_VERSION -> receiveIpv4(frame, 0, frame.byteSize(), false, now);
            case IPV6_VERSION -> receiveIpv6(frame, 0, frame.byteSize(), false, now);
            default -> counters.malformed++;
        }
    }

    /** One IPv4 datagram at {@code frame[off, off + len)}; {@code linkGroup}: sent to a link-layer broadcast. */
    private void receiveIpv4(MemorySegment frame, long off, long len, boolean linkGroup, long now) {
        switch (ipv4.receive(frame, off, len, linkGroup, now)) {
            case ECHO_ANSWERED -> counters.echoesAnswered++;
            case DELIVERED, FRAGMENT_HELD -> { }
            case NO_PORT -> counters.noPort++;
            case MALFORMED -> counters.malformed++;
            case NOT_FOR_US, UNHANDLED -> counters.ignored++;
        }
    }

    /** One IPv6 datagram: counted and ignored until the IPv6 layer comes. */
    private void receiveIpv6(MemorySegment frame, long off, long len, boolean linkGroup, long now) {
        counters.ignored++; // IPv6 without a link layer (TUN): a later slice
    }

    /** The transport of {@code protocol}, or null. */
    private Transport transport(int protocol) {
        for (Transport t : transports) {
            if (t.protocol() == protocol) {
                return t;
            }
        }
        return null;
    }

    /** Hands a datagram for us to its transport; null when none has its protocol. */
    private Transport.Delivery deliver(Datagram d, long now) {
        Transport t = transport(d.protocol);
        if (t == null) {
            return null;
        }
        // The IPv4 and IPv6 inputs count what the outcome means (malformed, to a closed port).
        return t.receive(d, now);
    }

    /** Runs the timers due at {@code now}. */
    public void poll(long now) {
        lastNow = now;
        ipv4.poll(now);
        routes.expire(now);
        if (ipv6 != null && ipv6.nextDeadline() - now <= 0) {
            ipv6.poll(now);
        }
        for (Transport t : transports) {
            if (t.nextDeadline() - now <= 0) {
                t.poll(now);
            }
        }
    }

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Math.min(ipv4.nextDeadline(), routes.nextDeadline());
        if (ipv6 != null) {
            next = Math.min(next, ipv6.nextDeadline());
        }
        for (Transport t : transports) {
            next = Math.min(next, t.nextDeadline());
        }
        return next;
    }

    @Override
    public Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                       MemorySegment payload, int length, long now) {
        if (!destination.isV4()) {
            return ipv6 == null ? Result.NO_ROUTE : ipv6.send(source, destination, protocol, ttl, flags, payload, length, now);
        }
        return ipv4.send(source, destination, protocol, ttl, flags, payload, length, now);
    }

    @Override
    public IpAddress sourceFor(IpAddress destination) {
        if (!destination.isV4()) {
            return ipv6 == null ? null : ipv6.sourceFor(destination, lastNow);
        }
        return ipv4.sourceFor(destination, lastNow);
    }

    @Override
    public int pathMtu(IpAddress destination) {
        if (!destination.isV4()) {
            return ipv6 == null ? IPV6_MIN_MTU : ipv6.pathMtu(destination, lastNow);
        }
        return ipv4.pathMtu(destination);
    }

    @Override
    public boolean isLocal(IpAddress address) {
        if (!address.isV4()) {
            return ipv6 != null && ipv6.isLocal(address);
        }
        return ipv4.owns(address.v4Bits());
    }

    /** The route table: on-link routes for each address, plus what {@link #addGateway} and the user add. */
    public RouteTable routes() {
        return routes;
    }

    /** Adds a default route through {@code gateway}, which must be on one of our subnets. */
    public void addGateway(IpAddress gateway) {
        int on = gateway.isV4() ? ipv4.onLink(gateway.v4Bits()) : -1;
        if (on >= 0) {
            routes.add(new RouteTable.Route(IpAddress.ANY_V4, 0, gateway, on, 0, Long.MAX_VALUE));
            return;
        }
        throw new IllegalArgumentException("gateway " + gateway + " is not on the subnet of any address");
    }

    /** The IPv4 side: counters, reassembly, ARP cache. */
    public Ipv4Layer ipv4() {
        return ipv4;
    }

    /** The ARP cache; null on a raw-IP link. */
    public NeighborCache arpCache() {
        return ipv4.arpCache();
    }

    public Ipv4Counters ipv4Counters() {
        return ipv4.counters();
    }

    public IcmpCounters icmpCounters() {
        return ipv4.icmpCounters();
    }

    /** The MAC, or null on a raw-IP link. */
    public MacAddress mac() {
        return mac;
    }

    private void send(int length) {
        sendFrame(buffer.asSlice(0, length));
    }

    private void sendFrame(MemorySegment frame) {
        counters.framesOut++;
        out.send(frame);
    }
}
