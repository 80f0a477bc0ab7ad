package org.tapline.stack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.Icmpv6;
import org.tapline.packet.Icmpv6Echo;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv6Header;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;

/**
 * The stack's ping call: ICMP echo requests (RFC 792) and ICMPv6 echo requests (RFC 4443 §4.1)
 * sent through the IP layer, matched with their replies by identifier, sequence number, sender
 * and data. One identifier per stack, as one ping(8) process has one; each call takes the next
 * sequence number, so calls from several threads at once do not mix up their replies.
 */
final class Ping {
    /** The largest echo data an IPv4 datagram holds (65535 - 20 - 8); IPv6 may take 20 more. */
    static final int MAX_DATA = 65507;

    private final Host host;
    private final ReentrantLock lock;
    private final Condition replied;
    private final int identifier = ThreadLocalRandom.current().nextInt(0x10000);
    private final MemorySegment out = Arena.ofAuto().allocate(Icmp.HEADER_LENGTH + MAX_DATA + 20);
    /** The calls waiting, by sequence number. */
    private final Map<Integer, Waiter> waiters = new HashMap<>();
    private int nextSequence;
    private boolean closed;

    /** What a waiting call expects back, and when its reply came (-1: not yet). */
    private static final class Waiter {
        final IpAddress to;
        final int dataBytes;
        long repliedAt = -1;

        Waiter(IpAddress to, int dataBytes) {
            this.to = to;
            this.dataBytes = dataBytes;
        }
    }

    Ping(Host host, ReentrantLock lock) {
        this.host = host;
        this.lock = lock;
        this.replied = lock.newCondition();
    }

    Duration ping(InetAddress to, int dataBytes, Duration timeout) throws IOException {
        IpAddress dst = IpAddress.of(to);
        if (dataBytes < 0 || dataBytes > MAX_DATA) {
            throw new IllegalArgumentException("echo data of " + dataBytes + " bytes: must be 0 to " + MAX_DATA);
        }
        lock.lock();
        try {
            if (closed) {
                throw new SocketException("the stack is closed");
            }
            IpAddress src = host.sourceFor(dst);
            if (src == null) {
                throw new NoRouteToHostException("Network is unreachable: " + dst);
            }
            int seq = nextSequence++ & 0xffff;
            long sentAt = NetStack.now();
            Waiter w = new Waiter(dst, dataBytes);
            waiters.put(seq, w);
            try {
                send(src, dst, seq, dataBytes, sentAt);
                long left = timeout.toNanos();
                while (w.repliedAt < 0) {
                    if (closed) {
                        throw new SocketException("the stack is closed");
                    }
                    if (left <= 0) {
                        throw new SocketTimeoutException("no echo reply from " + dst + " within " + timeout.toMillis() + " ms");
                    }
                    left = replied.awaitNanos(left);
                }
                return Duration.ofNanos(w.repliedAt - sentAt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("ping interrupted");
            } finally {
                waiters.remove(seq);
            }
        } finally {
            lock.unlock();
        }
    }

    private void send(IpAddress src, IpAddress dst, int seq, int dataBytes, long now) throws IOException {
        for (int i = 0; i < dataBytes; i++) {
            out.set(ValueLayout.JAVA_BYTE, Icmp.HEADER_LENGTH + i, pattern(i));
        }
        int protocol;
        if (dst.isV4()) {
            protocol = IpPacket.PROTO_ICMP;
            new IcmpEcho(false, identifier, seq).emitTo(out, 0, dataBytes);
        } else {
            protocol = IpPacket.PROTO_ICMPV6;
            // The checksum covers the pseudo-header (RFC 4443 §2.3): the header is used for that only.
            Ipv6Header pseudo = Ipv6Header.simple(protocol, 64, src.toIpv6(), dst.toIpv6(), Icmpv6.HEADER_LENGTH + dataBytes);
            new Icmpv6Echo(false, identifier, seq).emitTo(out, 0, pseudo, dataBytes);
        }
        IpOutput.Result r = host.send(src, dst, protocol, -1, 0, out, Icmp.HEADER_LENGTH + dataBytes, now);
        switch (r) {
            case NO_ROUTE -> throw new NoRouteToHostException("Network is unreachable: " + dst);
            case TOO_BIG -> throw new SocketException("Message too long: " + dataBytes + " bytes of echo data");
            // An unresolved neighbour or a full queue loses the request: its reply never comes.
            case SENT, QUEUED, DROPPED -> { }
        }
    }

    /** The listener the ICMP layers call with each echo reply (with the stack's lock held). */
    void reply(IpAddress from, int id, int sequence, MemorySegment data, long now) {
        Waiter w = waiters.get(sequence);
        if (id != identifier || w == null || !w.to.equals(from) || data.byteSize() != w.dataBytes) {
            return;
        }
        for (int i = 0; i < w.dataBytes; i++) {
            if (data.get(ValueLayout.JAVA_BYTE, i) != pattern(i)) {
                return;
            }
        }
        w.repliedAt = now;
        replied.signalAll();
    }

    /** Wakes every call waiting: the stack is closing. Lock held. */
    void wakeAll() {
        closed = true;
        replied.signalAll();
    }

    /** The data byte at {@code i}: a rolling pattern, so a reply with other data is not ours. */
    private static byte pattern(int i) {
        return (byte) (0x10 + i);
    }
}
