package org.tapline.stack;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.link.Link;
import org.tapline.packet.MacAddress;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;

/**
 * A userspace host on one Ethernet link. One thread, the loop ({@link #run}), reads the link:
 * it hands frames to the {@link Host} with the time, sends what the host answers, and wakes
 * for the host's timers. All protocol state is guarded by one lock ({@link #lock}, as lwIP's
 * core lock): the loop holds it while it handles a frame or a timer, and socket calls from
 * other threads hold it while they touch their socket, sending from their own thread.
 * {@link #stop} may be called from any thread.
 */
public final class NetStack {
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
    private volatile boolean stopped;
    /** A failure writing the trace, thrown by the loop. */
    private IOException sendFailure;

    /**
     * @param trace where to write every frame received and sent (pcapng), or {@code null}
     */
    public NetStack(Link link, MacAddress mac, List<Ipv4Interface> addresses, CaptureWriter trace) throws IOException {
        this.link = link;
        this.trace = trace;
        this.traceInterface = trace == null ? -1 : trace.addInterface(InterfaceDescription.of(link.linkType(), 65535));
        this.host = newHost(link, mac, addresses);
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
            traceFrame(System.currentTimeMillis() * 1_000_000L, frame);
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
