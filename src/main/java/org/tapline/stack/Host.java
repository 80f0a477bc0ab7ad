package org.tapline.stack;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.tapline.packet.Arp;
import org.tapline.packet.Ethernet;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.EchoReplies;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.Ipv4Input;
import org.tapline.stack.ip.Ipv4Output;
import org.tapline.stack.ip.Transport;
import org.tapline.stack.ip6.Ipv6Host;
import org.tapline.stack.ip6.Ipv6Interface;
import org.tapline.stack.neighbor.ArpCache;
import org.tapline.stack.neighbor.ArpResponder;

/**
 * The protocol state of one host on one Ethernet link: frames in, frames out, no I/O and no
 * clock of its own ({@code now} in nanoseconds is passed in). Answers use one output buffer,
 * reused for every frame. Used by one thread at a time: the stack's loop or an API call, holding
 * the stack's lock (or a test). Transports ({@link #addTransport}) receive their datagrams and
 * send through {@link #ip()}.
 */
public final class Host implements IpOutput {
    /** The largest Ethernet frame a reply can be: a TAP frame (64 KiB datagram and header). */
    private static final int OUT_BYTES = 65535 + Ethernet.HEADER_LENGTH;

    private final MacAddress mac;
    private final List<Ipv4Interface> addresses;
    private final Counters counters;
    private final FrameOut out;
    private final ArpCache arpCache = new ArpCache();
    private final ArpResponder arp;
    private final Ipv4Input ipv4;
    private final MemorySegment buffer = Arena.ofAuto().allocate(OUT_BYTES, 64);
    private final Ipv4Output ipv4Out;
    private final Ipv6Host ipv6;
    private final List<Transport> transports = new ArrayList<>();
    private EchoReplies echoReplies;
    /** The time of the frame or timer being handled. */
    private long lastNow;

    public Host(MacAddress mac, List<Ipv4Interface> addresses, Counters counters, FrameOut out) {
        this(mac, addresses, 1500, counters, out);
    }

    /** @param mtu the link's MTU: the largest IP datagram it carries */
    public Host(MacAddress mac, List<Ipv4Interface> addresses, int mtu, Counters counters, FrameOut out) {
        this.mac = mac;
        this.addresses = List.copyOf(addresses);
        this.counters = counters;
        this.out = out;
        this.arp = new ArpResponder(mac, this::owns, arpCache);
        this.ipv4Out = new Ipv4Output(mac, this.addresses, arpCache, mtu, buffer, this::sendFrame);
        this.ipv4 = new Ipv4Input(mac, new Ipv4Input.Addresses() {
            @Override
            public boolean owns(int ip) {
                return Host.this.owns(ip);
            }

            @Override
            public boolean isBroadcast(int ip) {
                return Host.this.isBroadcast(ip);
            }
        }, this::deliver);
        this.ipv6 = new Ipv6Host(mac, mtu, buffer, this::sendFrame, new SplittableRandom(), ipv6Upper());
    }

    /** What the IPv6 side needs from the host: its transports and the echo listener. */
    private Ipv6Host.Upper ipv6Upper() {
        return new Ipv6Host.Upper() {
            @Override
            public Transport.Delivery deliver(Datagram d, long now) {
                for (Transport t : transports) {
                    if (t.protocol() == d.protocol) {
                        Transport.Delivery r = t.receive(d, now);
                        if (r == Transport.Delivery.NO_PORT) {
                            counters.noPort++;
                        }
                        return r;
                    }
                }
                return null;
            }

            @Override
            public void error(org.tapline.stack.ip.IcmpProblem problem, int mtu, Datagram quoted, long now) {
                for (Transport t : transports) {
                    if (t.protocol() == quoted.protocol) {
                        t.error(problem, mtu, quoted, now);
                    }
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
        ipv6.add(address);
    }

    /** The IPv6 side (addresses, neighbours, counters). */
    public Ipv6Host ipv6() {
        return ipv6;
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
        for (Transport t : transports) {
            t.report(out);
        }
        ipv6.report(out);
    }

    /** How transports send. */
    public IpOutput ip() {
        return this;
    }

    /** Announces every address with a gratuitous ARP (RFC 5227 §3). */
    public void start(long now) {
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
            handle(frame, now);
        } catch (RuntimeException e) {
            // A view that met bytes it did not expect: the frame is bad, the stack goes on.
            counters.malformed++;
        }
    }

    private void handle(MemorySegment frame, long now) {
        Ethernet eth = Ethernet.of(frame, 0, frame.byteSize());
        if (eth == null || eth.problem() != null) {
            counters.malformed++;
            return;
        }
        MacAddress dst = eth.destination();
        if (!dst.equals(mac) && !dst.equals(MacAddress.BROADCAST) && !ipv6.acceptsMac(dst) || eth.tagCount() != 0) {
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
            case Ethernet.TYPE_IPV4 -> {
                switch (ipv4.receive(eth, buffer)) {
                    case ECHO_ANSWERED -> {
                        counters.echoesAnswered++;
                        send(ipv4.replyLength());
                    }
                    case DELIVERED -> { }
                    case MALFORMED -> counters.malformed++;
                    case FRAGMENT_DROPPED -> counters.fragmentsDropped++;
                    case NOT_FOR_US, UNHANDLED -> counters.ignored++;
                }
            }
            case Ethernet.TYPE_IPV6 -> ipv6.receive(eth, now);
            default -> counters.ignored++;
        }
    }

    /** Hands a datagram for us to its transport; false when none has its protocol. */
    private boolean deliver(Datagram d) {
        for (Transport t : transports) {
            if (t.protocol() == d.protocol) {
                // `now` of the frame being handled; transports keep no clock of their own
                switch (t.receive(d, lastNow)) {
                    case ACCEPTED -> { }
                    case NO_PORT -> counters.noPort++;
                    case MALFORMED -> counters.malformed++;
                }
                return true;
            }
        }
        return false;
    }

    /** Runs the timers due at {@code now}. */
    public void poll(long now) {
        lastNow = now;
        arpCache.expire(now);
        if (ipv6.nextDeadline() - now <= 0) {
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
        long next = Math.min(arpCache.nextDeadline(), ipv6.nextDeadline());
        for (Transport t : transports) {
            next = Math.min(next, t.nextDeadline());
        }
        return next;
    }

    @Override
    public Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                       MemorySegment payload, int length, long now) {
        if (!destination.isV4()) {
            return ipv6.send(source, destination, protocol, ttl, flags, payload, length, now);
        }
        return ipv4Out.send(source, destination, protocol, ttl, flags, payload, length, now);
    }

    @Override
    public IpAddress sourceFor(IpAddress destination) {
        if (!destination.isV4()) {
            return ipv6.sourceFor(destination, lastNow);
        }
        Ipv4Interface on = ipv4Out.onLink(destination.v4Bits());
        return on == null ? null : IpAddress.of(on.address());
    }

    @Override
    public int pathMtu(IpAddress destination) {
        if (!destination.isV4()) {
            return ipv6.pathMtu(destination, lastNow);
        }
        return ipv4Out.mtu();
    }

    @Override
    public boolean isLocal(IpAddress address) {
        return address.isV4() ? owns(address.v4Bits()) : ipv6.isLocal(address);
    }

    public ArpCache arpCache() {
        return arpCache;
    }

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
