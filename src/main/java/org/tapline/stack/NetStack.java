package org.tapline.stack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.link.Link;
import org.tapline.link.TapLink;
import org.tapline.packet.MacAddress;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;
import org.tapline.stack.udp.UdpTransport;

/**
 * A userspace host on one Ethernet link. One thread, the loop ({@link #run}), reads the link:
 * it hands frames to the {@link Host} with the time, sends what the host answers, and wakes
 * for the host's timers. All protocol state is guarded by one lock ({@link #lock}, as lwIP's
 * core lock): the loop holds it while it handles a frame or a timer, and socket calls from
 * other threads hold it while they touch their socket, sending from their own thread.
 * {@link #stop} may be called from any thread.
 *
 * <p>A program either calls {@link #run} on a thread of its own or {@link #start}s the loop on
 * a new one, and {@link #close}s the stack when done: that ends the loop, wakes every socket
 * call waiting, closes the sockets, and closes the link when the stack opened it ({@link #onTap}).
 */
public final class NetStack implements AutoCloseable {
    /**
     * The longest the loop sleeps: a timer a socket call sets while the loop waits is run at
     * most this late (Linux's timer wheel at HZ=250 is 4 ms), and {@link #stop} is seen promptly.
     */
    private static final int MAX_WAIT_MILLIS = 10;
    private static final int BURST = 64;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_RAW = 101;

    private final Link link;
    private final Host host;
    private final Counters counters = new Counters();
    private final ReentrantLock lock = new ReentrantLock();
    private final CaptureWriter trace;
    private final int traceInterface;
    private final UdpTransport udp;
    private final Ping ping;
    private final boolean ownsLink;
    private volatile boolean stopped;
    private Thread loop;
    /** Why the loop ended, when it failed. */
    private volatile IOException loopFailure;
    /** A failure writing the trace, thrown by the loop. */
    private IOException sendFailure;

    /**
     * @param trace where to write every frame received and sent (pcapng), or {@code null}
     */
    public NetStack(Link link, MacAddress mac, List<Ipv4Interface> addresses, CaptureWriter trace) throws IOException {
        this(link, mac, addresses, trace, false);
    }

    private NetStack(Link link, MacAddress mac, List<Ipv4Interface> addresses, CaptureWriter trace, boolean ownsLink)
            throws IOException {
        this.link = link;
        this.trace = trace;
        this.traceInterface = trace == null ? -1 : trace.addInterface(InterfaceDescription.of(link.linkType(), 65535));
        this.host = newHost(link, mac, addresses);
        this.udp = new UdpTransport(host.ip(), new SecureRandom());
        host.addTransport(udp);
        this.ping = new Ping(host, lock);
        host.setEchoReplies(ping::reply);
        this.ownsLink = ownsLink;
    }

    /**
     * A stack on TAP {@code name} (attached, or created when it does not exist) with the stable
     * MAC {@link #defaultMac} gives it; {@link #close} closes the TAP.
     *
     * @param trace where to write every frame (pcapng), or {@code null}; the caller closes it
     */
    public static NetStack onTap(String name, List<Ipv4Interface> addresses, CaptureWriter trace) throws IOException {
        TapLink link = TapLink.openTap(name);
        try {
            return new NetStack(link, defaultMac(name), addresses, trace, true);
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** Runs the loop on a new platform thread (it blocks in the link's native reads); returns this. */
    public NetStack start() {
        return start(Thread.ofPlatform().name("tapline-stack-" + link.name()));
    }

    /** Runs the loop on a thread made by {@code builder}; returns this. */
    public synchronized NetStack start(Thread.Builder builder) {
        if (loop != null) {
            throw new IllegalStateException("the stack is already started");
        }
        loop = builder.start(() -> {
            try {
                run();
            } catch (IOException e) {
                loopFailure = e;
            } finally {
                closeSockets();
            }
        });
        return this;
    }

    /** The UDP layer; its sockets are {@link UdpSocket}s. */
    public UdpTransport udp() {
        return udp;
    }

    /**
     * Sends one ICMP (IPv4) or ICMPv6 echo request with {@code dataBytes} bytes of data to
     * {@code to} and waits for its reply. Returns the round-trip time, from just before the
     * request is written to when the loop read the reply.
     *
     * @throws java.net.SocketTimeoutException when no reply came within {@code timeout}
     * @throws java.net.NoRouteToHostException  when the stack has no route to {@code to}
     */
    public Duration ping(InetAddress to, int dataBytes, Duration timeout) throws IOException {
        checkOpen();
        return ping.ping(to, dataBytes, timeout);
    }

    /**
     * Ends the loop and waits for it, closes every socket (a call waiting on one throws), and
     * closes the link if {@link #onTap} opened it. Throws what ended the loop if it failed.
     */
    @Override
    public void close() throws IOException {
        stop();
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the stack's loop ends");
            }
        }
        closeSockets();
        if (ownsLink) {
            link.close();
        }
        if (loopFailure != null) {
            throw loopFailure;
        }
    }

    /** Whether {@link #stop} or {@link #close} was called. */
    public boolean isStopped() {
        return stopped;
    }

    void checkOpen() throws IOException {
        if (stopped) {
            throw new java.net.SocketException("the stack is closed");
        }
    }

    private void closeSockets() {
        lock.lock();
        try {
            udp.closeAll();
            ping.wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /** An Ethernet host, or a raw-IP one on a TUN (link type 101: no link header, no MAC). */
    private Host newHost(Link link, MacAddress mac, List<Ipv4Interface> addresses) throws IOException {
        return switch (link.linkType()) {
            case LINKTYPE_ETHERNET -> new Host(mac, addresses, link.mtu(), counters, this::transmit);
            case LINKTYPE_RAW -> Host.rawIp(addresses, link.mtu(), counters, this::transmit);
            default -> throw new IOException(link.name() + ": neither Ethernet nor raw IP (link type " + link.linkType() + ")");
        };
    }

    /** Guards all protocol state: hold it to use {@link #host()} from another thread. */
    public ReentrantLock lock() {
        return lock;
    }

    /** The protocol state; only with {@link #lock} held (or before {@link #run}). */
    public Host host() {
        return host;
    }

    /** The stack's clock, in nanoseconds (monotonic). */
    public static long now() {
        return System.nanoTime();
    }

    /**
     * A stable locally administered unicast MAC for interface {@code name}: the first six bytes
     * of its SHA-256 with the U/L bit set and the I/G bit clear (IEEE 802-2014 §8.2), so the
     * same name gets the same MAC from run to run and the kernel's neighbour cache stays right.
     */
    public static MacAddress defaultMac(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long v = (h[0] & 0xfcL | 0x02L);
            for (int i = 1; i < MacAddress.LENGTH; i++) {
                v = v << 8 | (h[i] & 0xffL);
            }
            return new MacAddress(v);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs until {@link #stop} or until the link fails or closes (then throws). */
    public void run() throws IOException {
        lock.lock();
        try {
            host.start(now());
        } finally {
            lock.unlock();
        }
        checkSend();
        while (!stopped) {
            long now = now();
            long next;
            lock.lock();
            try {
                next = host.nextDeadline();
            } finally {
                lock.unlock();
            }
            int wait = MAX_WAIT_MILLIS;
            if (next != Long.MAX_VALUE) {
                wait = (int) Math.max(0, Math.min(MAX_WAIT_MILLIS, (next - now) / 1_000_000L));
            }
            int n = link.receive((linkType, ts, orig, data) -> {
                lock.lock();
                try {
                    traceFrame(ts, data);
                    host.receive(data, now());
                } finally {
                    lock.unlock();
                }
            }, BURST, wait);
            checkSend();
            if (n < 0) {
                if (stopped) {
                    break;
                }
                throw new IOException(link.name() + ": the link closed");
            }
            lock.lock();
            try {
                host.poll(now());
            } finally {
                lock.unlock();
            }
        }
    }

    /** Ends {@link #run} within {@value #MAX_WAIT_MILLIS} ms. */
    public void stop() {
        stopped = true;
    }

    public Counters counters() {
        return counters;
    }

    public MacAddress mac() {
        return host.mac();
    }

    /**
     * Called inside {@link Host#receive}. A frame the link refuses is counted and lost, as a
     * NIC drops it (a TAP refuses writes while its interface is down); a link that is gone ends
     * the loop through {@code receive}. A trace file that fails ends the loop.
     */
    private void transmit(MemorySegment frame) {
        try {
            if (trace != null) {
                // The wall clock to the microsecond, as the link stamps what it receives: a
                // millisecond stamp would put an answer before its question in the trace.
                Instant t = Instant.now();
                traceFrame(t.getEpochSecond() * 1_000_000_000L + t.getNano(), frame);
            }
        } catch (IOException e) {
            if (sendFailure == null) {
                sendFailure = e;
            }
        }
        try {
            link.send(frame);
        } catch (IOException e) {
            counters.sendErrors++;
        }
    }

    private void traceFrame(long timestampNanos, MemorySegment frame) throws IOException {
        if (trace != null) {
            trace.write(traceInterface, timestampNanos, (int) frame.byteSize(), frame);
        }
    }

    private void checkSend() throws IOException {
        if (sendFailure != null) {
            throw sendFailure;
        }
    }
}
