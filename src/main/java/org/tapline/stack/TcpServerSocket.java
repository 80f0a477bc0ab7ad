package org.tapline.stack;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.tcp.TcpConnection;
import org.tapline.stack.tcp.TcpListener;
import org.tapline.stack.tcp.TcpSocketOptions;

/**
 * A listening TCP socket on a {@link NetStack}: {@link #bind} starts listening with a backlog
 * (the accept queue; SYN cookies answer when the SYN queue is full), {@link #accept} blocks for
 * the next connection, which inherits this socket's options. Fit for virtual threads.
 */
public final class TcpServerSocket implements Closeable {
    /** Linux's default somaxconn. */
    public static final int DEFAULT_BACKLOG = 4096;

    private final NetStack stack;
    private final ReentrantLock lock;
    private final Condition changed;
    private final TcpSocketOptions options = new TcpSocketOptions();
    private TcpListener listener;
    private int soTimeoutMillis;
    private boolean closed;

    public TcpServerSocket(NetStack stack) {
        this.stack = stack;
        this.lock = stack.lock();
        this.changed = lock.newCondition();
    }

    /** Listens on {@code port} of every IPv4 address. */
    public static TcpServerSocket listen(NetStack stack, int port, int backlog) throws IOException {
        TcpServerSocket s = new TcpServerSocket(stack);
        s.bind(new InetSocketAddress(java.net.InetAddress.ofLiteral("0.0.0.0"), port), backlog);
        return s;
    }

    /** Starts listening; an address of null or a wildcard listens on every address of its family. */
    public void bind(InetSocketAddress local, int backlog) throws IOException {
        lock.lock();
        try {
            if (closed || listener != null) {
                throw new SocketException(closed ? "Socket is closed" : "Already bound");
            }
            IpAddress address = local.getAddress() == null ? IpAddress.ANY_V4 : IpAddress.of(local.getAddress());
            listener = stack.host().tcp().listen(address, local.getPort(), backlog <= 0 ? DEFAULT_BACKLOG : backlog);
            options.applyTo(listener);
            listener.setWaker(changed::signalAll);
        } finally {
            lock.unlock();
        }
    }

    /** The next connection, blocking (at most SO_TIMEOUT when set). */
    public TcpSocket accept() throws IOException {
        long deadline = soTimeoutMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(soTimeoutMillis) : Long.MAX_VALUE;
        lock.lock();
        try {
            while (true) {
                if (closed || listener == null) {
                    throw new SocketException(closed ? "Socket closed" : "Socket is not bound yet");
                }
                TcpConnection c = listener.accept();
                if (c != null) {
                    return new TcpSocket(stack, c, options);
                }
                try {
                    if (deadline == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new SocketTimeoutException("Accept timed out");
                        }
                        changed.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public int getLocalPort() {
        lock.lock();
        try {
            return listener == null ? -1 : listener.localPort();
        } finally {
            lock.unlock();
        }
    }

    public void setSoTimeout(int millis) {
        soTimeoutMillis = millis;
    }

    public <T> TcpServerSocket setOption(SocketOption<T> name, T value) {
        lock.lock();
        try {
            options.set(name, value);
            if (listener != null) {
                options.applyTo(listener);
            }
            return this;
        } finally {
            lock.unlock();
        }
    }

    public <T> T getOption(SocketOption<T> name) {
        lock.lock();
        try {
            return options.get(name);
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening; connections not yet accepted are reset; a blocked accept throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (listener != null) {
                listener.close(NetStack.now());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
