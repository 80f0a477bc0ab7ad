package org.tapline.stack;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import org.tapline.link.Link;
import org.tapline.packet.MacAddress;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;

/**
 * A userspace host on one Ethernet link. One thread, the loop ({@link #run}), owns the link:
 * it reads frames, hands them to the {@link Host} with the time, sends what the host answers,
 * and wakes for the host's timers. {@link #stop} may be called from any thread.
 */
public final class NetStack {
    /** The longest the loop sleeps, so that {@link #stop} is seen promptly. */
    private static final int MAX_WAIT_MILLIS = 100;
    private static final int BURST = 64;

    private final Link link;
    private final Host host;
    private final Counters counters = new Counters();
    private final CaptureWriter trace;
    private final int traceInterface;
    private volatile boolean stopped;
    /** A failure writing the trace, thrown by the loop. */
    private IOException sendFailure;

    /**
     * @param trace where to write every frame received and sent (pcapng), or {@code null}
     */
    public NetStack(Link link, MacAddress mac, List<Ipv4Interface> addresses, CaptureWriter trace) throws IOException {
        if (link.linkType() != 1) {
            throw new IOException(link.name() + ": not an Ethernet link (link type " + link.linkType() + ")");
        }
        this.link = link;
        this.trace = trace;
        this.traceInterface = trace == null ? -1 : trace.addInterface(InterfaceDescription.of(1, 65535));
        this.host = new Host(mac, addresses, counters, this::transmit);
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
        host.start(System.nanoTime());
        checkSend();
        while (!stopped) {
            long now = System.nanoTime();
            long next = host.nextDeadline();
            int wait = MAX_WAIT_MILLIS;
            if (next != Long.MAX_VALUE) {
                wait = (int) Math.max(0, Math.min(MAX_WAIT_MILLIS, (next - now) / 1_000_000L));
            }
            int n = link.receive((linkType, ts, orig, data) -> {
                traceFrame(ts, data);
                host.receive(data, System.nanoTime());
            }, BURST, wait);
            checkSend();
            if (n < 0) {
                if (stopped) {
                    break;
                }
                throw new IOException(link.name() + ": the link closed");
            }
            host.poll(System.nanoTime());
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
