package org.tapline.stack.udp;

import java.net.BindException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import org.tapline.stack.ip.IpAddress;

/**
 * The UDP sockets by local port: one chain per port, the newest first, so finding a port's
 * sockets allocates nothing. Picks ephemeral ports at random (RFC 6056 §3.3.1, Algorithm 1) in
 * Linux's default ip_local_port_range.
 */
final class PortTable {
    static final int EPHEMERAL_LOW = 32768;
    static final int EPHEMERAL_HIGH = 60999;

    private final UdpEndpoint[] chains = new UdpEndpoint[65536];
    private final RandomGenerator random;

    PortTable(RandomGenerator random) {
        this.random = random;
    }

    UdpEndpoint chain(int port) {
        return chains[port];
    }

    /** Binds {@code e} to {@code address}:{@code port}, port 0 meaning any free ephemeral port. */
    void bind(UdpEndpoint e, IpAddress address, int port) throws BindException {
        if (port < 0 || port > 0xffff) {
            throw new BindException("Invalid port " + port);
        }
        if (port == 0) {
            port = ephemeral(e, address);
        } else if (inUse(e, address, port)) {
            throw new BindException("Address already in use: port " + port);
        }
        e.local = address;
        e.localPort = port;
        e.nextOnPort = chains[port];
        chains[port] = e;
    }

    void unbind(UdpEndpoint e) {
        if (e.localPort == 0) {
            return;
        }
        UdpEndpoint prev = null;
        for (UdpEndpoint c = chains[e.localPort]; c != null; prev = c, c = c.nextOnPort) {
            if (c == e) {
                if (prev == null) {
                    chains[e.localPort] = c.nextOnPort;
                } else {
                    prev.nextOnPort = c.nextOnPort;
                }
                break;
            }
        }
        e.nextOnPort = null;
    }

    /** Every bound socket, by port. */
    void forEach(Consumer<UdpEndpoint> action) {
        for (UdpEndpoint head : chains) {
            for (UdpEndpoint e = head; e != null; ) {
                UdpEndpoint next = e.nextOnPort; // the action may unbind e
                action.accept(e);
                e = next;
            }
        }
    }

    /**
     * The socket that takes a unicast datagram to {@code to}:{@code port} from
     * {@code from}:{@code fromPort}, or null. The most specific wins (Linux's compute_score):
     * a connected socket over an unconnected one, a bound address over a wildcard, an IPv4
     * socket over a dual-stack one; among equals the newest.
     */
    UdpEndpoint lookup(int port, IpAddress to, IpAddress from, int fromPort) {
        UdpEndpoint best = null;
        int bestScore = -1;
        for (UdpEndpoint e = chains[port]; e != null; e = e.nextOnPort) {
            int score = matches(e, to, from, fromPort);
            if (score > bestScore) {
                best = e;
                bestScore = score;
            }
        }
        return best;
    }

    /** How well {@code e} matches, or -1 when it must not take the datagram. */
    int matches(UdpEndpoint e, IpAddress to, IpAddress from, int fromPort) {
        if (!e.accepts(to)) {
            return -1;
        }
        int score = e.local.isUnspecified() ? (e.local.isV4() ? 1 : 0) : 2;
        if (e.remote != null) {
            if (!e.remote.equals(from) || e.remotePort != fromPort) {
                return -1;
            }
            score += 4;
        }
        return score;
    }

    private boolean inUse(UdpEndpoint e, IpAddress address, int port) {
        for (UdpEndpoint c = chains[port]; c != null; c = c.nextOnPort) {
            if (c != e && c.overlaps(address, e.v6Only) && !(c.reuseAddress && e.reuseAddress)) {
                return true;
            }
        }
        return false;
    }

    private int ephemeral(UdpEndpoint e, IpAddress address) throws BindException {
        int n = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        int offset = random.nextInt(n);
        for (int i = 0; i < n; i++) {
            int port = EPHEMERAL_LOW + (offset + i) % n;
            // An ephemeral port is never shared, whatever SO_REUSEADDR says (Linux likewise).
            if (chains[port] == null) {
                return port;
            }
        }
        throw new BindException("Address already in use: no free ephemeral port");
    }
}
