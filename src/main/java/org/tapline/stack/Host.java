package org.tapline.stack;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.tapline.packet.Arp;
import org.tapline.packet.Ethernet;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Ipv4Input;
import org.tapline.stack.neighbor.ArpCache;
import org.tapline.stack.neighbor.ArpResponder;

/**
 * The protocol state of one host on one Ethernet link: frames in, frames out, no I/O and no
 * clock of its own ({@code now} in nanoseconds is passed in). Answers use one output buffer,
 * reused for every frame. Used by one thread (the stack's loop, or a test).
 */
public final class Host {
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

    public Host(MacAddress mac, List<Ipv4Interface> addresses, Counters counters, FrameOut out) {
        this.mac = mac;
        this.addresses = List.copyOf(addresses);
        this.counters = counters;
        this.out = out;
        this.arp = new ArpResponder(mac, this::owns, arpCache);
        this.ipv4 = new Ipv4Input(mac, new Ipv4Input.Addresses() {
            @Override
            public boolean owns(int ip) {
                return Host.this.owns(ip);
            }

            @Override
            public boolean isBroadcast(int ip) {
                return Host.this.isBroadcast(ip);
            }
        });
    }

    /** Announces every address with a gratuitous ARP (RFC 5227 §3). */
    public void start(long now) {
        for (Ipv4Interface a : addresses) {
            send(arp.announce(a.address(), buffer));
        }
    }

    /** Handles one received frame; malformed input is counted and dropped, never thrown. */
    public void receive(MemorySegment frame, long now) {
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
        if (!dst.equals(mac) && !dst.equals(MacAddress.BROADCAST) || eth.tagCount() != 0) {
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
                    case MALFORMED -> counters.malformed++;
                    case FRAGMENT_DROPPED -> counters.fragmentsDropped++;
                    case NOT_FOR_US, UNHANDLED -> counters.ignored++;
                }
            }
            default -> counters.ignored++;
        }
    }

    /** Runs the timers due at {@code now}. */
    public void poll(long now) {
        arpCache.expire(now);
    }

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return arpCache.nextDeadline();
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
        counters.framesOut++;
        out.send(buffer.asSlice(0, length));
    }
}
