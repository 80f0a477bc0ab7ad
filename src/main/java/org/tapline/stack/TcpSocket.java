package org.tapline.stack;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.tcp.TcpConnection;
import org.tapline.stack.tcp.TcpError;
import org.tapline.stack.tcp.TcpSocketOptions;
import org.tapline.stack.tcp.TcpState;

/**
 * A blocking TCP socket on a {@link NetStack}, fit for virtual threads: every call takes the
 * stack's lock, works on its connection (sending from the caller's thread) and waits on its own
 * {@link Condition}, which the connection signals when it can be read or written or its state
 * changed. Errors are the java.net exceptions a JDK socket throws. Reads and writes may run on
 * two threads at once; {@link #close} may come from any thread.
 */
public final class TcpSocket implements Closeable {
    private final NetStack stack;
    private final ReentrantLock lock;
    private final Condition changed;
    private final TcpSocketOptions options;
    private TcpConnection conn;
    private IpAddress bindAddress;
    private int bindPort;
    private int soTimeoutMillis;
    private boolean inputShutdown;
    private boolean closed;

    public TcpSocket(NetStack stack) {
        this.stack = stack;
        this.lock = stack.lock();
        this.changed = lock.newCondition();
        this.options = new TcpSocketOptions();
    }

    /** An accepted connection, with the listener's options. */
    TcpSocket(NetStack stack, TcpConnection accepted, TcpSocketOptions inherited) {
        this(stack);
        this.conn = accepted;
        this.options.copyFrom(inherited);
        accepted.setWaker(changed::signalAll);
    }

    /** Opens a connection: {@code new TcpSocket(stack)} then {@link #connect}. */
    public static TcpSocket connect(NetStack stack, InetSocketAddress remote, int timeoutMillis) throws IOException {
        TcpSocket s = new TcpSocket(stack);
        s.connect(remote, timeoutMillis);
        return s;
    }

    /** The local address and port to connect from (before {@link #connect}); port 0 for an ephemeral one. */
    public void bind(InetSocketAddress local) {
        bindAddress = local.getAddress() == null ? null : IpAddress.of(local.getAddress());
        bindPort = local.getPort();
    }

    /** Active open; waits for the handshake at most {@code timeoutMillis} (0: as long as the SYN retries last). */
    public void connect(InetSocketAddress remote, int timeoutMillis) throws IOException {
        if (remote.isUnresolved()) {
            throw new java.net.UnknownHostException(remote.getHostString());
        }
        long deadline = timeoutMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) : Long.MAX_VALUE;
        lock.lock();
        try {
            if (conn != null || closed) {
                throw new SocketException(closed ? "Socket is closed" : "already connected");
            }
            TcpConnection c = stack.host().tcp().connect(IpAddress.of(remote.getAddress()), remote.getPort(),
                    bindAddress, bindPort, options.receiveBuffer(), options.sendBuffer(), NetStack.now());
            conn = c;
            c.setWaker(changed::signalAll);
            options.applyTo(c, NetStack.now());
            while (c.state() == TcpState.SYN_SENT || c.state() == TcpState.SYN_RECEIVED) {
                if (!await(deadline)) {
                    c.abort(NetStack.now());
                    throw new SocketTimeoutException("Connect timed out");
                }
            }
            if (c.error() != null) {
                throw switch (c.error()) {
                    case REFUSED -> new ConnectException("Connection refused");
                    case TIMED_OUT -> new ConnectException("Connection timed out");
                    case HOST_UNREACHABLE, NET_UNREACHABLE -> new NoRouteToHostException(c.error().text());
                    default -> new SocketException(c.error().text());
                };
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads at least one byte into {@code dst} (blocking); -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        long deadline = soTimeoutMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(soTimeoutMillis) : Long.MAX_VALUE;
        lock.lock();
        try {
            TcpConnection c = connected();
            while (true) {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                if (inputShutdown) {
                    return -1;
                }
                int n = c.read(MemorySegment.ofBuffer(dst), 0, dst.remaining(), NetStack.now());
                if (n > 0) {
                    dst.position(dst.position() + n);
                    return n;
                }
                if (c.error() != null && c.error() != TcpError.ABORTED) {
                    throw failure(c.error());
                }
                if (c.endOfStream()) {
                    return -1;
                }
                if (!await(deadline)) {
                    throw new SocketTimeoutException("Read timed out");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes all of {@code src}, blocking while the send buffer is full. */
    public void write(ByteBuffer src) throws IOException {
        lock.lock();
        try {
            TcpConnection c = connected();
            while (src.hasRemaining()) {
                if (c.error() != null) {
                    throw c.error() == TcpError.ABORTED ? new SocketException("Socket closed") : failure(c.error());
                }
                if (!c.canWrite()) {
                    throw new SocketException(c.state() == TcpState.CLOSED ? "Broken pipe" : "Socket output is shutdown");
                }
                int n = c.write(MemorySegment.ofBuffer(src), 0, src.remaining(), NetStack.now());
                src.position(src.position() + n);
                if (n == 0) {
                    await(Long.MAX_VALUE);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public InputStream getInputStream() {
        return new In();
    }

    public OutputStream getOutputStream() {
        return new Out();
    }

    /** Sends our FIN after the queued data; reading goes on (half-close). */
    public void shutdownOutput() throws IOException {
        lock.lock();
        try {
            connected().shutdownOutput(NetStack.now());
        } finally {
            lock.unlock();
        }
    }

    /** Reads return -1 from now on (the connection is not told, as in Linux). */
    public void shutdownInput() throws IOException {
        lock.lock();
        try {
            connected();
            inputShutdown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Graceful close, or a RST with SO_LINGER 0 or unread data; wakes blocked readers and writers. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (conn != null) {
                conn.close(options.lingerZero(), NetStack.now());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Reads and writes time out after this long (SO_TIMEOUT for reads; 0 waits for ever). */
    public void setSoTimeout(int millis) {
        soTimeoutMillis = millis;
    }

    public <T> TcpSocket setOption(SocketOption<T> name, T value) throws IOException {
        lock.lock();
        try {
            options.set(name, value);
            if (conn != null) {
                options.applyTo(conn, NetStack.now());
            }
            return this;
        } finally {
            lock.unlock();
        }
    }

    public <T> T getOption(SocketOption<T> name) throws IOException {
        lock.lock();
        try {
            return options.get(name);
        } finally {
            lock.unlock();
        }
    }

    public InetSocketAddress getLocalAddress() {
        lock.lock();
        try {
            return conn == null ? null : new InetSocketAddress(conn.localAddress().toInetAddress(), conn.localPort());
        } finally {
            lock.unlock();
        }
    }

    public InetSocketAddress getRemoteAddress() {
        lock.lock();
        try {
            return conn == null ? null : new InetSocketAddress(conn.remoteAddress().toInetAddress(), conn.remotePort());
        } finally {
            lock.unlock();
        }
    }

    /** The connection's state (for tests and reports). */
    public TcpState state() {
        lock.lock();
        try {
            return conn == null ? TcpState.CLOSED : conn.state();
        } finally {
            lock.unlock();
        }
    }

    private TcpConnection connected() throws SocketException {
        if (conn == null) {
            throw new SocketException(closed ? "Socket is closed" : "Socket is not connected");
        }
        return conn;
    }

    private static SocketException failure(TcpError e) {
        return e == TcpError.TIMED_OUT ? new SocketException("Connection timed out") : new SocketException(e.text());
    }

    /** Waits for a signal (the lock held); false when the deadline passed. */
    private boolean await(long deadline) throws IOException {
        try {
            if (deadline == Long.MAX_VALUE) {
                changed.await();
                return true;
            }
            long left = deadline - System.nanoTime();
            return left > 0 && (changed.awaitNanos(left) > 0 || deadline - System.nanoTime() > 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    /** getInputStream: reads through {@link #read(ByteBuffer)}. */
    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return len == 0 ? 0 : TcpSocket.this.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return conn == null ? 0 : conn.readable();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            TcpSocket.this.close();
        }
    }

    /** getOutputStream: writes through {@link #write(ByteBuffer)}. */
    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            TcpSocket.this.write(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() {
            TcpSocket.this.close();
        }
    }
}
