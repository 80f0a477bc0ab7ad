package org.tapline.stack.tcp;

import java.net.BindException;
import java.net.NoRouteToHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.tapline.packet.IpPacket;
import org.tapline.packet.Tcp;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.ip.Transport;

/**
 * TCP (RFC 9293) for the stack: demultiplexes segments to connections and listeners, answers
 * segments for closed ports with RST (§3.10.7.1), opens connections, takes ICMP errors (RFC
 * 1122 §4.2.3.9, RFC 5927's sequence check) and runs the timers. Used under the stack's lock.
 */
public final class TcpTransport implements Transport {
    /** Linux ip_local_port_range. */
    static final int EPHEMERAL_LOW = 32768;
    static final int EPHEMERAL_HIGH = 60999;
    /** RFC 5961 §7 (Linux tcp_challenge_ack_limit): challenge ACKs per second, stack-wide. */
    static final int CHALLENGE_ACKS_PER_SECOND = 1000;

    private final IpOutput ip;
    private final SegmentWriter writer;
    private final Segment segment = new Segment();
    private final FlowKey probe = new FlowKey();
    private final Map<FlowKey, TcpConnection> connections = new HashMap<>();
    private final Map<Integer, List<TcpListener>> listeners = new HashMap<>();
    private final List<TcpConnection> due = new ArrayList<>();
    private final TcpCounters counters = new TcpCounters();
    private final IsnSource isn;
    private final Random random;
    private final TcpListeners passive;
    private Supplier<CongestionControl> congestionControl = NewReno::new;
    private long challengeSecond;
    private int challengeCount;

    /** A transport with secret keys from SecureRandom. */
    public TcpTransport(IpOutput ip) {
        this(ip, new SecureRandom());
    }

    /** A transport whose ISN keys and ephemeral ports come from {@code random} (tests seed it). */
    public TcpTransport(IpOutput ip, Random random) {
        this.ip = ip;
        this.writer = new SegmentWriter(ip);
        this.random = random;
        this.isn = new IsnSource(random.nextLong(), random.nextLong());
        this.passive = new TcpListeners(this);
    }

    /** The congestion control new connections get (NewReno by default). */
    public void setCongestionControl(Supplier<CongestionControl> factory) {
        this.congestionControl = factory;
    }

    public TcpCounters counters() {
        return counters;
    }

    @Override
    public int protocol() {
        return IpPacket.PROTO_TCP;
    }

    @Override
    public Delivery receive(Datagram d, long now) {
        counters.inSegs++;
        Segment s = segment;
        if (!s.parse(d)) {
            counters.inErrs++;
            return Delivery.MALFORMED;
        }
        if (d.toGroup || s.destinationPort == 0 || s.sourcePort == 0) {
            return Delivery.ACCEPTED; // TCP is unicast only (RFC 1122 §4.2.3.10)
        }
        TcpConnection c = connections.get(probe.set(d.destination, s.destinationPort, d.source, s.sourcePort));
        if (c != null) {
            c.input.segment(s, now);
            return Delivery.ACCEPTED;
        }
        TcpListener l = findListener(d.destination, s.destinationPort);
        if (l != null) {
            passive.segment(l, s, d.destination, d.source, now);
        } else {
            sendReset(d.destination, s.destinationPort, d.source, s.sourcePort, s, now);
        }
        return Delivery.ACCEPTED;
    }

    /** A SYN that ended {@code old}'s TIME-WAIT goes to the listener of its port, if there is one. */
    void reopen(TcpConnection old, Segment s, long now) {
        TcpListener l = findListener(old.local, old.localPort);
        if (l != null) {
            passive.segment(l, s, old.local, old.remote, now);
        }
    }

    /** Starts listening on {@code port} of {@code local} (unspecified: every address of the family). */
    public TcpListener listen(IpAddress local, int port, int backlog) throws BindException {
        if (port <= 0 || port > 0xffff) {
            throw new BindException("port " + port + " out of range");
        }
        List<TcpListener> on = listeners.computeIfAbsent(port, p -> new ArrayList<>());
        for (TcpListener l : on) {
            if (l.local.equals(local) || l.local.isUnspecified() || local.isUnspecified()) {
                throw new BindException("Address already in use");
            }
        }
        TcpListener l = new TcpListener(this, local, port, backlog);
        on.add(l);
        return l;
    }

    /**
     * Active open (RFC 9293 §3.10.1): sends the SYN. {@code local} null or unspecified picks
     * the source address, {@code localPort} 0 an ephemeral port.
     */
    public TcpConnection connect(IpAddress remote, int remotePort, IpAddress local, int localPort,
                                 int receiveBuffer, int sendBuffer, long now) throws java.net.SocketException {
        IpAddress src = local == null || local.isUnspecified() ? ip.sourceFor(remote) : local;
        if (src == null) {
            throw new NoRouteToHostException("No route to host");
        }
        int port = localPort != 0 ? localPort : ephemeralPort(src, remote, remotePort);
        if (connections.containsKey(probe.set(src, port, remote, remotePort))) {
            throw new BindException("Address already in use");
        }
        TcpConnection c = newConnection(src, port, remote, remotePort, receiveBuffer, sendBuffer, now);
        c.rcvShift = shiftFor(receiveBuffer);
        c.setState(TcpState.SYN_SENT);
        c.output.send(now);
        return c;
    }

    /** A registered connection with its ISN, offering timestamps and SACK. */
    TcpConnection newConnection(IpAddress local, int localPort, IpAddress remote, int remotePort,
                                int receiveBuffer, int sendBuffer, long now) {
        TcpConnection c = new TcpConnection(this, local, localPort, remote, remotePort);
        c.setReceiveBuffer(receiveBuffer);
        c.setSendBuffer(sendBuffer);
        c.iss = isn.isn(local, localPort, remote, remotePort, now);
        c.sndUna = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.sendBufferSeq = Seq.add(c.iss, 1);
        c.tsOffset = isn.timestampOffset(local, localPort, remote, remotePort);
        c.timestamps = true;
        c.sackPermitted = true;
        c.mss = localMss(remote);
        c.cc = congestionControl.get();
        c.lastSend = now;
        connections.put(c.key, c);
        return c;
    }

    /** The smallest window shift that lets the 16-bit field announce the whole buffer (RFC 7323 §2.3). */
    static int shiftFor(int buffer) {
        int shift = 0;
        while (shift < 14 && (buffer >> shift) > 0xffff) {
            shift++;
        }
        return shift;
    }

    private int ephemeralPort(IpAddress src, IpAddress remote, int remotePort) throws BindException {
        int span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        int start = random.nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = EPHEMERAL_LOW + (start + i) % span;
            if (!listeners.containsKey(port) && !connections.containsKey(probe.set(src, port, remote, remotePort))) {
                return port;
            }
        }
        throw new BindException("Cannot assign requested address");
    }

    private TcpListener findListener(IpAddress local, int port) {
        List<TcpListener> on = listeners.get(port);
        if (on == null) {
            return null;
        }
        TcpListener wildcard = null;
        for (TcpListener l : on) {
            if (l.local.equals(local)) {
                return l;
            }
            boolean dual = l.local.equals(IpAddress.ANY_V6) && !l.v6Only;
            if (l.local.isUnspecified() && l.local.isV4() == local.isV4() || dual) {
                wildcard = l;
            }
        }
        return wildcard;
    }

    void removeListener(TcpListener l) {
        List<TcpListener> on = listeners.get(l.port);
        if (on != null && on.remove(l) && on.isEmpty()) {
            listeners.remove(l.port);
        }
    }

    void remove(TcpConnection c) {
        connections.remove(c.key, c);
    }

    /** RFC 4022's counters follow the state changes. */
    void stateChanged(TcpConnection c, TcpState from, TcpState to) {
        boolean wasEstab = from == TcpState.ESTABLISHED || from == TcpState.CLOSE_WAIT;
        boolean isEstab = to == TcpState.ESTABLISHED || to == TcpState.CLOSE_WAIT;
        if (wasEstab != isEstab) {
            counters.currEstab += isEstab ? 1 : -1;
        }
        if (wasEstab && to == TcpState.CLOSED) {
            counters.estabResets++;
        }
        if ((from == TcpState.SYN_SENT || from == TcpState.SYN_RECEIVED) && to == TcpState.CLOSED) {
            counters.attemptFails++;
        }
        if (from == TcpState.CLOSED && to == TcpState.SYN_SENT) {
            counters.activeOpens++;
        }
        if (from == TcpState.CLOSED && to == TcpState.SYN_RECEIVED) {
            counters.passiveOpens++;
        }
    }

    /** RFC 9293 §3.10.7.1: the RST for a segment no connection takes (never for a RST). */
    void sendReset(IpAddress local, int localPort, IpAddress remote, int remotePort, Segment s, long now) {
        if (s.rst()) {
            return;
        }
        if (s.hasAck()) {
            writer.send(local, remote, localPort, remotePort, s.ack, 0, Tcp.RST, 0, null, 0, 0, now);
        } else {
            writer.send(local, remote, localPort, remotePort, 0, Seq.add(s.seq, s.seqLength()),
                    Tcp.RST | Tcp.ACK_FLAG, 0, null, 0, 0, now);
        }
        counters.outSegs++;
        counters.outRsts++;
    }

    boolean challengeAckAllowed(long now) {
        long second = now / 1_000_000_000L;
        if (second != challengeSecond) {
            challengeSecond = second;
            challengeCount = 0;
        }
        return challengeCount++ < CHALLENGE_ACKS_PER_SECOND;
    }

    /** The MSS our SYN announces: the path MTU less the IP and TCP headers (RFC 9293 §3.7.1). */
    int localMss(IpAddress remote) {
        return ip.pathMtu(remote) - (remote.isV4() ? 20 : 40) - Wire.HEADER;
    }

    SegmentWriter writer() {
        return writer;
    }

    IsnSource isn() {
        return isn;
    }

    Supplier<CongestionControl> congestionControl() {
        return congestionControl;
    }

    @Override
    public void error(IcmpProblem problem, int mtu, Datagram quoted, long now) {
        TcpErrors.apply(this, problem, mtu, quoted, now);
    }

    TcpConnection find(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        return connections.get(probe.set(local, localPort, remote, remotePort));
    }

    @Override
    public void poll(long now) {
        due.clear();
        for (TcpConnection c : connections.values()) {
            if (c.timers.next() - now <= 0) {
                due.add(c);
            }
        }
        for (TcpConnection c : due) {
            c.timers.poll(now);
        }
        due.clear();
    }

    @Override
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (TcpConnection c : connections.values()) {
            next = Math.min(next, c.timers.next());
        }
        return next;
    }

    /** Connections in the table (TIME-WAIT included). */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void report(StringBuilder out) {
        for (List<TcpListener> on : listeners.values()) {
            for (TcpListener l : on) {
                out.append("LISTEN ").append(l.queued()).append(' ').append(l.local).append(':').append(l.port).append('\n');
            }
        }
        for (TcpConnection c : connections.values()) {
            TcpReport.line(c, out);
        }
        out.append(counters.line()).append('\n');
    }
}
