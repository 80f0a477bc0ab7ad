package org.tapline.stack;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.tapline.packet.Arp;
import org.tapline.packet.Ethernet;
import org.tapline.packet.Ipv4;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.EchoReplies;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.IcmpCounters;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IcmpRateLimit;
import org.tapline.stack.ip.Icmpv4;
import org.tapline.stack.ip.Icmpv4Errors;
import org.tapline.stack.ip.Ipv4Counters;
import org.tapline.stack.ip.Ipv4Input;
import org.tapline.stack.ip.Ipv4PathMtu;
import org.tapline.stack.ip.Ipv4Reassembly;
import org.tapline.stack.ip.RouteTable;
import org.tapline.stack.ip.Ipv4Output;
import org.tapline.stack.ip.Transport;
import org.tapline.stack.neighbor.ArpProber;
import org.tapline.stack.neighbor.ArpResponder;
import org.tapline.stack.neighbor.NeighborCache;

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

    private final MacAddress mac;
    private final List<Ipv4Interface> addresses;
    private final Counters counters;
    private final FrameOut out;
    private final RouteTable routes = new RouteTable();
    private final Ipv4Counters ipv4Counters = new Ipv4Counters();
    private final IcmpCounters icmpCounters = new IcmpCounters("Icmp");
    private final Ipv4PathMtu pathMtu = new Ipv4PathMtu();
    private final Ipv4Reassembly reassembly = new Ipv4Reassembly(ipv4Counters);
    private final IcmpRateLimit icmpRateLimit = new IcmpRateLimit();
    /** The ARP cache and responder; null on a raw-IP link. */
    private final NeighborCache arpCache;
    private final ArpResponder arp;
    private final Ipv4Input ipv4;
    private final MemorySegment buffer = Arena.ofAuto().allocate(OUT_BYTES, 64);
    private final Ipv4Output ipv4Out;
    private final List<Transport> transports = new ArrayList<>();
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
        this.mac = mac;
        this.addresses = List.copyOf(addresses);
        this.counters = counters;
        this.out = out;
        for (int i = 0; i < this.addresses.size(); i++) {
            Ipv4Interface a = this.addresses.get(i);
            routes.add(new RouteTable.Route(IpAddress.of(a.address()), a.prefix(), null, i, 0, Long.MAX_VALUE));
        }
        if (mac != null) {
            this.arpCache = new NeighborCache(new ArpProber(mac, this.addresses, mtu, this::sendFrame, this::unresolved));
            this.arp = new ArpResponder(mac, this::owns, arpCache);
        } else {
            this.arpCache = null;
            this.arp = null;
        }
        this.ipv4Out = new Ipv4Output(mac, this.addresses, routes, arpCache, pathMtu, ipv4Counters, mtu, buffer,
                this::sendFrame);
        Ipv4Input.Addresses ours = new Ipv4Input.Addresses() {
            @Override
            public boolean owns(int ip) {
                return Host.this.owns(ip);
            }

            @Override
            public boolean isBroadcast(int ip) {
                return Host.this.isBroadcast(ip);
            }
        };
        Icmpv4Errors errors = new Icmpv4Errors(this, ours, icmpRateLimit, icmpCounters);
        Icmpv4 icmp = new Icmpv4(this, ours, pathMtu, mtu, this::transport, this::echoReplies, icmpCounters);
        this.ipv4 = new Ipv4Input(ours, this::deliver, reassembly, icmp, errors, ipv4Counters);
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
        ipv4Counters.report(out);
        icmpCounters.report(out);
        for (Transport t : transports) {
            t.report(out);
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
        if (!dst.equals(mac) && !broadcast || eth.tagCount() != 0) {
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
            case Ethernet.TYPE_IPV6 -> receiveIpv6(frame, eth.payloadOffset(), eth.payloadLength(), broadcast, now);
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
            case MALFORMED -> counters.malformed++;
            case NOT_FOR_US, UNHANDLED -> counters.ignored++;
        }
    }

    /** One IPv6 datagram: counted and ignored until the IPv6 layer comes. */
    private void receiveIpv6(MemorySegment frame, long off, long len, boolean linkGroup, long now) {
        counters.ignored++;
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
        Transport.Delivery r = t.receive(d, now);
        switch (r) {
            case ACCEPTED -> { }
            case NO_PORT -> counters.noPort++;
            case MALFORMED -> counters.malformed++;
        }
        return r;
    }

    /**
     * A datagram dropped because its next hop never answered ARP: RFC 1122 §3.2.2.1 would send
     * host unreachable to its source, which is us, so the transport is told directly.
     */
    private void unresolved(MemorySegment datagram, long now) {
        ipv4Counters.outDiscards++;
        Ipv4 ip = Ipv4.of(datagram, 0, datagram.byteSize());
        if (ip == null || ip.problem() != null || ip.fragmentOffset() != 0) {
            return;
        }
        Transport t = transport(ip.protocol());
        if (t != null) {
            t.error(IcmpProblem.HOST_UNREACHABLE, 0, Ipv4Input.describe(new Datagram(), ip), now);
        }
    }

    /** Runs the timers due at {@code now}. */
    public void poll(long now) {
        lastNow = now;
        if (arpCache != null) {
            arpCache.poll(now);
        }
        reassembly.poll(now, ipv4::reassemblyTimedOut);
        pathMtu.expire(now);
        routes.expire(now);
        for (Transport t : transports) {
            if (t.nextDeadline() - now <= 0) {
                t.poll(now);
            }
        }
    }

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long next = Math.min(reassembly.nextDeadline(), Math.min(pathMtu.nextDeadline(), routes.nextDeadline()));
        if (arpCache != null) {
            next = Math.min(next, arpCache.nextDeadline());
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
            return Result.NO_ROUTE; // IPv6 comes in a later slice
        }
        return ipv4Out.send(source, destination, protocol, ttl, flags, payload, length, now);
    }

    @Override
    public IpAddress sourceFor(IpAddress destination) {
        return destination.isV4() ? ipv4Out.sourceFor(destination, lastNow) : null;
    }

    @Override
    public int pathMtu(IpAddress destination) {
        return ipv4Out.pathMtu(destination);
    }

    @Override
    public boolean isLocal(IpAddress address) {
        return address.isV4() && owns(address.v4Bits());
    }

    /** The route table: on-link routes for each address, plus what {@link #addGateway} and the user add. */
    public RouteTable routes() {
        return routes;
    }

    /** Adds a default route through {@code gateway}, which must be on one of our subnets. */
    public void addGateway(IpAddress gateway) {
        for (int i = 0; i < addresses.size(); i++) {
            Ipv4Interface a = addresses.get(i);
            if (gateway.isV4() && ((gateway.v4Bits() ^ a.address().bits()) & a.mask()) == 0) {
                routes.add(new RouteTable.Route(IpAddress.ANY_V4, 0, gateway, i, 0, Long.MAX_VALUE));
                return;
            }
        }
        throw new IllegalArgumentException("gateway " + gateway + " is not on the subnet of any address");
    }

    /** The ARP cache; null on a raw-IP link. */
    public NeighborCache arpCache() {
        return arpCache;
    }

    public Ipv4Counters ipv4Counters() {
        return ipv4Counters;
    }

    public IcmpCounters icmpCounters() {
        return icmpCounters;
    }

    /** The MAC, or null on a raw-IP link. */
    public MacAddress mac() {
        return mac;
    }

    boolean owns(int ip) {
        for (Ipv4Interface a : addresses) {
            if (a.address().bits() == ip) {
                return true;
            }
        }
        return false;
    }

    boolean isBroadcast(int ip) {
        if (ip == -1) {
            return true;
        }
        for (Ipv4Interface a : addresses) {
            if (a.isDirectedBroadcast(ip)) {
                return true;
            }
        }
        return false;
    }

    private void send(int length) {
        sendFrame(buffer.asSlice(0, length));
    }

    private void sendFrame(MemorySegment frame) {
        counters.framesOut++;
        out.send(frame);
    }
}
