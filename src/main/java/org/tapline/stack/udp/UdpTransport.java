package org.tapline.stack.udp;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

import org.tapline.packet.Checksum;
import org.tapline.packet.IpPacket;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.Transport;

/**
 * UDP (RFC 768, RFC 1122 §4.1) for the stack: checks and delivers received datagrams to the
 * sockets bound to their port, sends for the sockets, and reports ICMP errors to connected ones.
 * Pure: no threads, no clock; the stack's lock guards it and every {@link UdpEndpoint}.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |   Source Port   | Destination Port|
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * </pre>
 */
public final class UdpTransport implements Transport {
    static final int HEADER = 8;
    private static final int SRC_PORT = 0;
    private static final int DST_PORT = 2;
    private static final int LENGTH = 4;
    private static final int CHECKSUM = 6;
    /** The largest UDP message an IP datagram holds (its 16-bit length fields). */
    private static final int MAX_MESSAGE = 65535;
    private static final int IPV4_HEADER = 20;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final IpOutput ip;
    private final UdpCounters counters = new UdpCounters();
    private final PortTable ports;
    private final MemorySegment out = Arena.ofAuto().allocate(MAX_MESSAGE);

    /** @param random picks ephemeral ports (seeded in tests) */
    public UdpTransport(IpOutput ip, RandomGenerator random) {
        this.ip = ip;
        this.ports = new PortTable(random);
    }

    public UdpCounters counters() {
        return counters;
    }

    @Override
    public int protocol() {
        return IpPacket.PROTO_UDP;
    }

    /** A new socket, not yet bound. */
    public UdpEndpoint open() {
        return new UdpEndpoint();
    }

    /**
     * Binds {@code e} to {@code address} (one of ours, or unspecified) and {@code port} (0: an
     * ephemeral one).
     */
    public void bind(UdpEndpoint e, IpAddress address, int port) throws SocketException {
        if (e.closed) {
            throw new SocketException("Socket is closed");
        }
        if (e.localPort != 0) {
            throw new SocketException("Already bound");
        }
        if (!address.isUnspecified() && !ip.isLocal(address)) {
            throw new BindException("Cannot assign requested address: " + address);
        }
        ports.bind(e, address, port);
    }

    /**
     * Connects {@code e} to {@code address}:{@code port}: it then sends there by default and
     * receives only from there, and ICMP errors about what it sends are reported to it. An
     * unbound socket is bound first; an unspecified local address becomes the source towards
     * the peer (as Linux's ip4_datagram_connect does).
     */
    public void connect(UdpEndpoint e, IpAddress address, int port) throws SocketException {
        if (e.closed) {
            throw new SocketException("Socket is closed");
        }
        IpAddress source = e.local.isUnspecified() ? ip.sourceFor(address) : e.local;
        if (source == null || !e.allowsFamilyOf(address)) {
            throw new NoRouteToHostException("Network is unreachable: " + address);
        }
        if (e.localPort == 0) {
            ports.bind(e, e.local, 0);
        }
        e.local = source;
        e.remote = address;
        e.remotePort = port;
        e.pendingError = null;
    }

    /** Undoes {@link #connect}; the socket keeps its port (Linux keeps an address it bound explicitly, we keep ours). */
    public void disconnect(UdpEndpoint e) {
        e.remote = null;
        e.remotePort = 0;
        e.pendingError = null;
    }

    /** Closes {@code e}: its port is free again and a thread waiting on it wakes. */
    public void close(UdpEndpoint e) {
        if (!e.closed) {
            e.closed = true;
            ports.unbind(e);
            e.wake();
        }
    }

    /** Closes every socket (the stack is closing). */
    public void closeAll() {
        ports.forEach(this::close);
    }

    /**
     * Sends {@code src}'s remaining bytes as one datagram to {@code to}:{@code port}, or to the
     * connected peer when {@code to} is null. Binds an unbound socket to an ephemeral port.
     * Returns the bytes sent.
     */
    public int send(UdpEndpoint e, ByteBuffer src, IpAddress to, int port, long now) throws IOException {
        if (e.closed) {
            throw new SocketException("Socket is closed");
        }
        UdpErrors.throwPending(e);
        if (to == null) {
            if (e.remote == null) {
                throw new SocketException("Socket is not connected");
            }
            to = e.remote;
            port = e.remotePort;
        }
        if (port <= 0 || port > 0xffff) {
            throw new SocketException("Invalid argument: port " + port);
        }
        int len = src.remaining();
        int max = MAX_MESSAGE - (to.isV4() ? IPV4_HEADER : 0) - HEADER;
        if (len > max || len + HEADER > e.sndbuf) {
            throw new SocketException("Message too long: " + len + " bytes");
        }
        IpAddress source = e.local.isUnspecified() ? ip.sourceFor(to) : e.local;
        if (source == null || !e.allowsFamilyOf(to)) {
            throw new NoRouteToHostException("Network is unreachable: " + to);
        }
        if (e.localPort == 0) {
            ports.bind(e, e.local, 0);
        }
        int total = HEADER + len;
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, out, HEADER, len);
        put16(out, SRC_PORT, e.localPort);
        put16(out, DST_PORT, port);
        put16(out, LENGTH, total);
        put16(out, CHECKSUM, 0);
        int sum = Checksum.finish(IpAddress.pseudoHeaderSum(source, to, IpPacket.PROTO_UDP, total)
                + Checksum.sum(out, 0, total));
        // RFC 768: a computed zero is sent as all ones, zero meaning "no checksum"
        put16(out, CHECKSUM, sum == 0 ? 0xffff : sum);
        switch (ip.send(source, to, IpPacket.PROTO_UDP, -1, 0, out, total, now)) {
            case NO_ROUTE -> throw new NoRouteToHostException("Network is unreachable: " + to);
            case TOO_BIG -> throw new SocketException("Message too long: " + len + " bytes");
            // Linux's sendto succeeds when the neighbour is unresolved or its queue drops the
            // datagram: UDP promises nothing, and the loss shows in the IP counters.
            case SENT, QUEUED, DROPPED -> { }
        }
        counters.outDatagrams++;
        src.position(src.limit());
        return len;
    }

    @Override
    public Delivery receive(Datagram d, long now) {
        MemorySegment seg = d.segment;
        long off = d.offset;
        if (d.length < HEADER) {
            counters.inErrors++;
            return Delivery.MALFORMED;
        }
        int ulen = u16(seg, off + LENGTH);
        // RFC 768: the length covers header and data; bytes past it (IP padding) are not ours,
        // and a length beyond the datagram is a lie (Linux: "short packet").
        if (ulen < HEADER || ulen > d.length) {
            counters.inErrors++;
            return Delivery.MALFORMED;
        }
        int checksum = u16(seg, off + CHECKSUM);
        // RFC 1122 §4.1.3.4: check it when the sender computed it; RFC 8200 §8.1: over IPv6
        // it is mandatory, and a zero checksum is discarded.
        if (checksum == 0 ? !d.source.isV4() : Checksum.finish(
                IpAddress.pseudoHeaderSum(d.source, d.destination, IpPacket.PROTO_UDP, ulen)
                        + Checksum.sum(seg, off, ulen)) != 0) {
            counters.inErrors++;
            counters.inCsumErrors++;
            return Delivery.MALFORMED;
        }
        int srcPort = u16(seg, off + SRC_PORT);
        int dstPort = u16(seg, off + DST_PORT);
        if (d.toGroup) {
            // RFC 1122 §4.1.3.6 and Linux: a broadcast or multicast goes to every socket that
            // matches; none is no error to answer.
            int taken = 0;
            for (UdpEndpoint e = ports.chain(dstPort); e != null; e = e.nextOnPort) {
                if (ports.matches(e, d.destination, d.source, srcPort) >= 0) {
                    enqueue(e, d, srcPort, ulen);
                    taken++;
                }
            }
            if (taken == 0) {
                counters.ignoredMulti++;
            }
            return Delivery.ACCEPTED;
        }
        UdpEndpoint e = ports.lookup(dstPort, d.destination, d.source, srcPort);
        if (e == null) {
            counters.noPorts++;
            return Delivery.NO_PORT;
        }
        enqueue(e, d, srcPort, ulen);
        return Delivery.ACCEPTED;
    }

    private void enqueue(UdpEndpoint e, Datagram d, int srcPort, int ulen) {
        if (!e.queue.offer(d.source, srcPort, d.segment, d.offset + HEADER, ulen - HEADER)) {
            counters.rcvbufErrors++;
            counters.inErrors++;
            return;
        }
        counters.inDatagrams++;
        e.wake();
    }

    @Override
    public void error(IcmpProblem problem, int mtu, Datagram quoted, long now) {
        if (quoted.length < 4) {
            return;
        }
        int srcPort = u16(quoted.segment, quoted.offset + SRC_PORT);
        int dstPort = u16(quoted.segment, quoted.offset + DST_PORT);
        UdpEndpoint e = ports.lookup(srcPort, quoted.source, quoted.destination, dstPort);
        // RFC 1122 §4.1.3.3: pass ICMP errors up. Linux (without IP_RECVERR) reports only the
        // hard ones, and only to a connected socket: an unconnected one cannot tell whose
        // datagram failed.
        if (e != null && e.isConnected() && UdpErrors.reported(problem)) {
            e.pendingError = problem;
            e.wake();
        }
    }

    @Override
    public void poll(long now) {
        // UDP has no timers.
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }

    @Override
    public void report(StringBuilder b) {
        b.append(String.format("%-6s %-6s %-6s %-24s %s%n", "State", "Recv-Q", "Send-Q",
                "Local Address:Port", "Peer Address:Port"));
        ports.forEach(e -> b.append(String.format("%-6s %-6d %-6d %-24s %s%n",
                e.isConnected() ? "ESTAB" : "UNCONN", e.queue.charged(), 0,
                endpoint(e, e.local, e.localPort), e.isConnected() ? endpoint(e, e.remote, e.remotePort)
                        : endpoint(e, e.local.isV4() ? IpAddress.ANY_V4 : IpAddress.ANY_V6, -1))));
        b.append(counters.line()).append('\n');
    }

    /** As ss prints it: a.b.c.d:port, [v6]:port, and * for the dual-stack wildcard. */
    private static String endpoint(UdpEndpoint e, IpAddress a, int port) {
        String p = port < 0 ? "*" : Integer.toString(port);
        if (a.isV4()) {
            return a + ":" + p;
        }
        return a.isUnspecified() && !e.v6Only ? "*:" + p : "[" + a + "]:" + p;
    }

    private static int u16(MemorySegment seg, long off) {
        return seg.get(U16, off) & 0xffff;
    }

    private static void put16(MemorySegment seg, long off, int v) {
        seg.set(U16, off, (short) v);
    }
}
