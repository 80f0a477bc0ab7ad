package org.tapline.puppet;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where connections to the peer come from: a listening port ({@code -s}) or a peer to dial
 * ({@code -c}), each handed over once its {@link Handshake} is done. The listening socket stays
 * open across connections, so a tapline peer can come back.
 *
 * <p>A handshake has {@link #HANDSHAKE_SECONDS} from the connection, in all (a peer trickling a
 * byte at a time gains nothing). A listener accepts all the time and runs each handshake on a
 * virtual thread of its own, at most {@link #MAX_PENDING} at once: a silent connection does not
 * keep the real peer waiting. Sockets come from channels, so that plain connections are read
 * straight into native memory.
 */
public abstract sealed class Endpoint implements AutoCloseable {
    /** The deadline of a handshake (TLS, the version, the link type), from accept or connect. */
    static final int HANDSHAKE_SECONDS = 10;
    /**
     * Connections a listener holds before their session: in their handshake, or done and waiting
     * for the current session to end. A peer is one machine: a few are plenty, and the cap bounds
     * what a stranger can make us hold (sshd's MaxStartups plays the same part).
     */
    static final int MAX_PENDING = 8;

    /** Closes sockets whose handshake is late; one daemon thread for the process. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name("puppet-deadline").daemon().unstarted(r));
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** The next connection, its handshake done; blocks until there is one. */
    public abstract Greeted next(Handshake handshake) throws IOException;

    /** True when we dial (we then send the protocol version). */
    public abstract boolean connector();

    @Override
    public abstract void close();

    /** Listens on {@code port} of {@code bind} (an address of this host), or of every address when null. */
    public static Endpoint listen(InetAddress bind, int port, PuppetLog log) throws IOException {
        return new Listener(bind, port, log);
    }

    /** {@code host:port}, {@code [v6]:port}. */
    public static Endpoint connect(String hostPort, PuppetLog log) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("-c takes host:port, not " + hostPort);
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-c takes host:port; bad port in " + hostPort);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("-c: port " + port + " is out of range");
        }
        return new Dialer(host, port, log);
    }

    /** Runs {@code handshake} on {@code s}, which is closed when the deadline passes first. */
    static Greeted within(Socket s, boolean connector, Handshake handshake) throws Handshake.Failed {
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            late.set(true);
            close(s);
        }, HANDSHAKE_SECONDS, TimeUnit.SECONDS);
        try {
            Greeted g = handshake.greet(s, connector);
            if (deadline.cancel(false)) {
                return g;
            }
        } catch (Handshake.Failed e) {
            deadline.cancel(false);
            if (!late.get()) {
                throw e;
            }
        }
        close(s);
        throw new Handshake.Failed(Handshake.Kind.TIMEOUT, new End(End.Outcome.LOST,
                "no handshake with " + s.getRemoteSocketAddress() + " within " + HANDSHAKE_SECONDS + " s", false));
    }

    static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static final class Listener extends Endpoint {
        /** A warning about refused connections at most this often. */
        private static final long REFUSAL_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

        private final ServerSocketChannel server;
        private final String where;
        private final PuppetLog log;
        /** Accepted connections not yet taken by {@link #next}: in their handshake or waiting in {@code ready}. */
        private final Set<Socket> held = ConcurrentHashMap.newKeySet();
        /** Greeted connections, failed handshakes (IOException), or CLOSED. */
        private final LinkedBlockingQueue<Object> ready = new LinkedBlockingQueue<>();
        private static final Object CLOSED = new Object();
        private volatile boolean closed;
        /** {@link #next} is waiting: no session runs. */
        private volatile boolean waiting;
        /** Guarded by this. */
        private Thread acceptor;
        private long lastRefusalLog;

        Listener(InetAddress bind, int port, PuppetLog log) throws IOException {
            this.where = "port " + port + (bind == null ? "" : " of " + bind.getHostAddress());
            this.log = log;
            server = ServerSocketChannel.open();
            server.socket().setReuseAddress(true);
            try {
                server.bind(new InetSocketAddress(bind, port), MAX_PENDING);
            } catch (IOException e) {
                server.close();
                throw new IOException("cannot listen on " + where + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Greeted next(Handshake handshake) throws IOException {
            log.info("waiting for a connection on " + where + "...");
            synchronized (this) {
                if (acceptor == null) {
                    acceptor = Thread.ofVirtual().name("puppet-accept").start(() -> accept(handshake));
                }
            }
            // Failures that came while a session ran are not this wait's to end with: they are told only.
            ready.removeIf(o -> {
                if (o instanceof IOException e) {
                    log.info("refused a connection: " + e.getMessage());
                    return true;
                }
                return false;
            });
            Object o;
            waiting = true;
            try {
                o = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } finally {
                waiting = false;
            }
            if (o instanceof Ready r) {
                held.remove(r.raw());
                return r.greeted();
            }
            if (o instanceof IOException e) {
                throw e;
            }
            ready.add(CLOSED);
            throw new IOException("the listener is closed");
        }

        private record Ready(Greeted greeted, Socket raw) {}

        private void accept(Handshake handshake) {
            while (!closed) {
                Socket s;
                try {
                    SocketChannel c = server.accept();
                    s = c.socket();
                } catch (IOException e) {
                    if (closed || !server.isOpen()) {
                        ready.add(CLOSED);
                        return;
                    }
                    // Out of file descriptors, say: not a reason to spin.
                    refused("accept failed on " + where + ": " + e.getMessage());
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                    continue;
                }
                if (held.size() >= MAX_PENDING) {
                    refused("refused a connection from " + s.getRemoteSocketAddress() + ": " + MAX_PENDING + " are already pending");
                    close(s);
                    continue;
                }
                held.add(s);
                log.info("connection from " + s.getRemoteSocketAddress());
                Thread.ofVirtual().name("puppet-handshake").start(() -> greet(s, handshake));
            }
        }

        private void greet(Socket s, Handshake handshake) {
            try {
                s.setTcpNoDelay(true);
                ready.add(new Ready(within(s, false, handshake), s));
            } catch (Handshake.Failed e) {
                held.remove(s);
                close(s);
                if (e.kind == Handshake.Kind.OTHER) {
                    ready.add(e);
                } else {
                    log.info("refused a connection: " + e.getMessage());
                    if (waiting && !closed) {
                        log.info("waiting for a connection on " + where + "...");
                    }
                }
            } catch (IOException e) {
                held.remove(s);
                close(s);
            }
            if (closed) {
                closeHeld();
            }
        }

        /** A refusal or accept failure, logged at most every 10 s (a flood must not flood the log too). */
        private synchronized void refused(String what) {
            long now = System.nanoTime();
            if (lastRefusalLog == 0 || now - lastRefusalLog > REFUSAL_LOG_NANOS) {
                lastRefusalLog = now;
                log.info(what);
            }
        }

        @Override
        public boolean connector() {
            return false;
        }

        @Override
        public void close() {
            closed = true;
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
            closeHeld();
            ready.add(CLOSED);
        }

        private void closeHeld() {
            for (Socket s : held) {
                close(s);
            }
        }
    }

    private static final class Dialer extends Endpoint {
        private final String host;
        private final int port;
        private final PuppetLog log;
        private volatile Socket pending;

        Dialer(String host, int port, PuppetLog log) {
            this.host = host;
            this.port = port;
            this.log = log;
        }

        @Override
        public Greeted next(Handshake handshake) throws IOException {
            log.info("connecting to " + host + ":" + port + "...");
            Socket s = SocketChannel.open().socket(); // a channel's socket: the reader reads it with no copy
            pending = s;
            try {
                s.connect(new InetSocketAddress(host, port), 10_000);
            } catch (IOException e) {
                s.close();
                throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
            }
            s.setTcpNoDelay(true);
            log.info("connected to " + s.getRemoteSocketAddress());
            Greeted g = within(s, true, handshake);
            pending = null;
            return g;
        }

        @Override
        public boolean connector() {
            return true;
        }

        @Override
        public void close() {
            Socket s = pending;
            if (s != null) {
                close(s);
            }
        }
    }
}
