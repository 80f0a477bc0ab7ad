package org.tapline.stack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.udp.UdpEndpoint;
import org.tapline.stack.udp.UdpErrors;
import org.tapline.stack.udp.UdpTransport;

/**
 * A UDP socket of a {@link NetStack}, as {@link java.nio.channels.DatagramChannel} is one of the
 * kernel's: bind, connect, send and receive ByteBuffers. A receive blocks until a datagram comes,
 * the timeout passes ({@link #timeout}), the socket or the stack closes, or an ICMP error about
 * what a connected socket sent arrives (then it throws {@link java.net.PortUnreachableException}
 * or another {@link SocketException}, once, as Linux returns the socket's error once).
 *
 * <p>Fit for virtual threads: calls wait on a {@link Condition} of the stack's lock, never in a
 * synchronized block. A send runs on the caller's thread, with the lock, down to the link.
 * A new socket is dual-stack (IPv4 and IPv6) until bound to an IPv4 address or given
 * {@link #IPV6_V6ONLY}.
 */
public final class UdpSocket implements AutoCloseable {
    /**
     * IPV6_V6ONLY (RFC 3493 §5.3): an IPv6 socket takes IPv6 only. The JDK has no standard
     * option of that name (its channels are dual-stack, fixed), so the stack names its own.
     */
    public static final SocketOption<Boolean> IPV6_V6ONLY = new SocketOption<>() {
        @Override
        public String name() {
            return "IPV6_V6ONLY";
        }

        @Override
        public Class<Boolean> type() {
            return Boolean.class;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    private final NetStack stack;
    private final ReentrantLock lock;
    private final UdpTransport udp;
    private final UdpEndpoint endpoint;
    private final Condition readable;
    private long timeoutNanos;
    /** The sender {@link #receive} returned last, returned again while it is the same: a service allocates nothing per datagram from one peer. */
    private InetSocketAddress lastFrom;
    private IpAddress lastFromAddress;

    public UdpSocket(NetStack stack) throws IOException {
        this.stack = stack;
        this.lock = stack.lock();
        this.udp = stack.udp();
        stack.checkOpen();
        lock.lock();
        try {
            this.endpoint = udp.open();
            this.readable = lock.newCondition();
            endpoint.onWakeup(readable::signalAll);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Binds to {@code local}: null or port 0 for an ephemeral port; a wildcard address for all of
     * ours (0.0.0.0: IPv4 only; ::, and null: both families unless {@link #IPV6_V6ONLY}).
     */
    public UdpSocket bind(InetSocketAddress local) throws IOException {
        InetAddress a = local == null ? null : resolved(local);
        IpAddress address;
        if (a == null || a.isAnyLocalAddress()) {
            address = a instanceof java.net.Inet4Address ? IpAddress.ANY_V4 : IpAddress.ANY_V6;
        } else {
            address = IpAddress.of(a);
        }
        lock.lock();
        try {
            udp.bind(endpoint, address, local == null ? 0 : local.getPort());
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Sends to and receives from {@code remote} only; errors about what it sends are reported. */
    public UdpSocket connect(InetSocketAddress remote) throws IOException {
        IpAddress address = IpAddress.of(resolved(remote));
        lock.lock();
        try {
            udp.connect(endpoint, address, remote.getPort());
        } finally {
            lock.unlock();
        }
        return this;
    }

    public void disconnect() {
        lock.lock();
        try {
            udp.disconnect(endpoint);
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code src}'s remaining bytes as one datagram to {@code to}; returns the bytes sent. */
    public int send(ByteBuffer src, InetSocketAddress to) throws IOException {
        IpAddress address = to == null ? null : IpAddress.of(resolved(to));
        lock.lock();
        try {
            return udp.send(endpoint, src, address, to == null ? 0 : to.getPort(), NetStack.now());
        } finally {
            lock.unlock();
        }
    }

    /** Sends to the connected peer. */
    public int send(ByteBuffer src) throws IOException {
        return send(src, null);
    }

    /**
     * Receives the next datagram into {@code dst} (the part that does not fit is lost, as with
     * recvfrom(2)) and returns its sender.
     *
     * @throws SocketTimeoutException when the timeout passes first
     */
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (true) {
                if (endpoint.isClosed()) {
                    throw new SocketException("Socket closed");
                }
                IcmpProblem error = endpoint.takeError();
                if (error != null) {
                    throw UdpErrors.exception(error);
                }
                if (endpoint.hasDatagram()) {
                    InetSocketAddress from = sender();
                    endpoint.take(dst);
                    return from;
                }
                if (timeoutNanos == 0) {
                    readable.await();
                } else if (left <= 0) {
                    throw new SocketTimeoutException("Receive timed out");
                } else {
                    left = readable.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("receive interrupted");
        } finally {
            lock.unlock();
        }
    }

    private InetSocketAddress sender() {
        int port = endpoint.peekSourcePort();
        if (lastFrom == null || lastFrom.getPort() != port || !endpoint.peekSourceIs(lastFromAddress)) {
            lastFromAddress = endpoint.peekSource();
            lastFrom = new InetSocketAddress(lastFromAddress.toInetAddress(), port);
        }
        return lastFrom;
    }

    /** How long {@link #receive} waits; zero (the default) waits without limit, as SO_TIMEOUT 0. */
    public UdpSocket timeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        return this;
    }

    /** SO_RCVBUF, SO_SNDBUF (set as Linux does: doubled), SO_REUSEADDR, IPV6_V6ONLY (before bind). */
    public <T> UdpSocket setOption(SocketOption<T> name, T value) throws IOException {
        lock.lock();
        try {
            if (name == StandardSocketOptions.SO_RCVBUF) {
                endpoint.receiveBuffer((Integer) value);
            } else if (name == StandardSocketOptions.SO_SNDBUF) {
                endpoint.sendBuffer((Integer) value);
            } else if (name == StandardSocketOptions.SO_REUSEADDR) {
                endpoint.reuseAddress((Boolean) value);
            } else if (name == IPV6_V6ONLY) {
                if (endpoint.localPort() != 0) {
                    throw new SocketException("Invalid argument: IPV6_V6ONLY after bind");
                }
                endpoint.v6Only((Boolean) value);
            } else {
                throw new UnsupportedOperationException("'" + name + "' not supported");
            }
            return this;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) {
        lock.lock();
        try {
            Object v;
            if (name == StandardSocketOptions.SO_RCVBUF) {
                v = endpoint.receiveBuffer();
            } else if (name == StandardSocketOptions.SO_SNDBUF) {
                v = endpoint.sendBuffer();
            } else if (name == StandardSocketOptions.SO_REUSEADDR) {
                v = endpoint.reuseAddress();
            } else if (name == IPV6_V6ONLY) {
                v = endpoint.v6Only();
            } else {
                throw new UnsupportedOperationException("'" + name + "' not supported");
            }
            return (T) v;
        } finally {
            lock.unlock();
        }
    }

    /** The bound address and port, or null while unbound. */
    public InetSocketAddress localAddress() {
        lock.lock();
        try {
            return endpoint.localPort() == 0 ? null
                    : new InetSocketAddress(endpoint.localAddress().toInetAddress(), endpoint.localPort());
        } finally {
            lock.unlock();
        }
    }

    /** The connected peer, or null. */
    public InetSocketAddress remoteAddress() {
        lock.lock();
        try {
            return endpoint.isConnected()
                    ? new InetSocketAddress(endpoint.remoteAddress().toInetAddress(), endpoint.remotePort()) : null;
        } finally {
            lock.unlock();
        }
    }

    /** Frees the port; a receive waiting on another thread throws. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            udp.close(endpoint);
        } finally {
            lock.unlock();
        }
    }

    private static InetAddress resolved(InetSocketAddress a) throws IOException {
        if (a.isUnresolved()) {
            throw new java.net.UnknownHostException(a.getHostString() + ": the stack resolves no names");
        }
        return a.getAddress();
    }
}
