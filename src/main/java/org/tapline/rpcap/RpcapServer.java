package org.tapline.rpcap;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * rpcapd: passive listeners (one per bound address), active-mode dialers, and the sessions
 * they start, each on a virtual thread so that one client's trouble touches no other. The
 * configuration can be swapped while running ({@link #reconfigure}, on SIGHUP): sessions that
 * exist keep theirs, new ones get the new one. Admission ({@link Admission}, {@link Limits}) and
 * the deadline timer outlive reconfigurations: a connection over a cap is refused in the accept
 * loop before a byte is read, and failing accepts (EMFILE, ENFILE) back off instead of spinning.
 */
public final class RpcapServer implements AutoCloseable {
    /** RPCAP_ACTIVE_WAIT: how long an active-mode dialer waits after a failed connect. */
    private static final long ACTIVE_RETRY_MILLIS = 30_000;
    /** A pause before dialling again after a dropped session, so a client that hangs up at once is not hammered. */
    private static final long ACTIVE_REDIAL_MILLIS = 1_000;
    /** Accept failures (file descriptors run out): wait 10 ms, doubling to 1 s, while they go on. */
    private static final long ACCEPT_BACKOFF_FIRST_MILLIS = 10;
    private static final long ACCEPT_BACKOFF_MAX_MILLIS = 1_000;
    /**
     * listen(2) backlog. The reference's 10 (SOCKET_MAXCONN) lets a burst of connections fill the
     * queue, and everyone else's SYN is dropped for a second or more; the kernel caps it at
     * net.core.somaxconn. Queued connections cost the daemon nothing until accepted.
     */
    private static final int BACKLOG = 256;

    private final AtomicReference<ConnectionHandler> handler = new AtomicReference<>();
    private final AtomicReference<DaemonConfig> config = new AtomicReference<>();
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final ExecutorService sessions = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledThreadPoolExecutor timer;
    private final ConnectionHandler.Shared shared;
    private final LogThrottle acceptFailures;
    private volatile boolean closed;
    /** Login penalties and the hashing pool: the server's, so that neither a reload nor a new connection resets them. */
    private final LoginGuard logins = new LoginGuard(java.time.Clock.systemUTC());

    public RpcapServer(DaemonConfig config) {
        timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("rpcapd-deadlines").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
        DaemonLog log = config.log();
        shared = new ConnectionHandler.Shared(new Admission(config.limits()), timer, new LogThrottle(log::info), new LogThrottle(log::info),
                new LogThrottle(log::info));
        acceptFailures = new LogThrottle(log::warn);
        reconfigure(config);
    }

    public synchronized void reconfigure(DaemonConfig c) {
        config.set(c);
        handler.set(new ConnectionHandler(c, new HostAllowList(c.settings().passiveClients()), shared, logins));
    }

    public DaemonConfig config() {
        return config.get();
    }

    /** Binds the passive listeners; fails when none could be bound. */
    public List<InetSocketAddress> listen() throws IOException {
        DaemonConfig c = config.get();
        List<InetAddress> addrs = new ArrayList<>();
        if (c.bindAddress() != null) {
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(c.bindAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IOException("-b " + c.bindAddress() + ": unknown host " + c.bindAddress(), e);
            }
            for (InetAddress a : all) {
                if (!c.ipv4Only() || a instanceof Inet4Address) {
                    addrs.add(a);
                }
            }
        } else {
            // One IPv6 socket on :: takes IPv4 clients too (Linux's net.ipv6.bindv6only is 0 by
            // default), so it comes first; 0.0.0.0 where there is no IPv6, or with -4.
            if (!c.ipv4Only()) {
                addrs.add(InetAddress.getByName("::"));
            }
            addrs.add(InetAddress.getByName("0.0.0.0"));
        }
        List<InetSocketAddress> bound = new ArrayList<>();
        IOException last = null;
        for (InetAddress a : addrs) {
            if (c.bindAddress() == null && !listeners.isEmpty()) {
                break;
            }
            // A socket of the address's own family: with -4, 0.0.0.0 must not take IPv6 clients.
            ServerSocket s;
            try {
                s = ServerSocketChannel.open(a instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6).socket();
            } catch (UnsupportedOperationException e) {
                last = new IOException("IPv6 is not available");
                continue;
            }
            try {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(a, c.port()), BACKLOG);
                listeners.add(s);
                bound.add((InetSocketAddress) s.getLocalSocketAddress());
            } catch (IOException e) {
                s.close();
                last = e;
                c.log().debug("cannot listen on " + AddressText.of(new InetSocketAddress(a, c.port())) + ": " + e.getMessage());
            }
        }
        if (listeners.isEmpty()) {
            throw new IOException("cannot listen on any address at port " + c.port() + ": " + (last == null ? "no address" : last.getMessage()));
        }
        for (ServerSocket s : listeners) {
            Thread.ofVirtual().name("rpcapd-accept-" + AddressText.of((InetSocketAddress) s.getLocalSocketAddress())).start(() -> accept(s));
        }
        return bound;
    }

    private void accept(ServerSocket s) {
        long backoff = 0;
        while (!closed) {
            Socket c;
            try {
                c = s.accept();
                backoff = 0;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                backoff = backoff == 0 ? ACCEPT_BACKOFF_FIRST_MILLIS : Math.min(2 * backoff, ACCEPT_BACKOFF_MAX_MILLIS);
                acceptFailures.log("accept on " + AddressText.of((InetSocketAddress) s.getLocalSocketAddress()) + " failed: "
                        + e.getMessage() + "; trying again in " + backoff + " ms");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException x) {
                    return;
                }
                continue;
            }
            admit(c);
        }
    }

    /** Starts the connection's session, or refuses it at once when a cap is reached. */
    private void admit(Socket c) {
        Admission.Ticket t;
        try {
            t = shared.admission().admit(c.getInetAddress());
        } catch (Admission.Full f) {
            shared.capRefusals().log("connection refused: " + AddressText.of((InetSocketAddress) c.getRemoteSocketAddress()) + ", "
                    + f.getMessage());
            ConnectionHandler.refuse(c, config.get().tls() != null, Rpcap.ERR_NETW, f.getMessage(), ConnectionHandler.ALERT_INTERNAL_ERROR);
            return;
        }
        ConnectionHandler h = handler.get();
        sessions.submit(() -> h.handle(c, t, false));
    }

    /** Starts one dialer per active-mode target (-a, ActiveClient). */
    public void startActive() {
        for (DaemonSettings.ActiveClient a : config.get().settings().activeClients()) {
            Thread.ofVirtual().name("rpcapd-active-" + a.host()).start(() -> dial(a));
        }
    }

    /**
     * Connects to the client and serves the session; reconnects soon after a session the client
     * dropped, every 30 s while it cannot connect, and never again once the client sent CLOSE.
     */
    private void dial(DaemonSettings.ActiveClient target) {
        String where = AddressText.of(InetSocketAddress.createUnresolved(target.host(), target.port()));
        while (!closed) {
            try (Socket s = new Socket()) {
                InetAddress addr = resolve(target.host());
                s.connect(new InetSocketAddress(addr, target.port()), 10_000);
                config.get().log().debug("connected to active client " + where);
                if (handler.get().handle(s, shared.admission().dialled(addr), true)) {
                    config.get().log().info("active client " + where + " ended with CLOSE: not dialling it again");
                    return;
                }
                Thread.sleep(ACTIVE_REDIAL_MILLIS);
                continue;
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                config.get().log().debug("cannot connect to active client " + where + ": " + e.getMessage() + "; next try in "
                        + ACTIVE_RETRY_MILLIS / 1000 + " s");
            }
            try {
                Thread.sleep(ACTIVE_RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private InetAddress resolve(String host) throws IOException {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("unknown host " + host, e);
        }
        for (InetAddress a : all) {
            if (!config.get().ipv4Only() || a instanceof Inet4Address) {
                return a;
            }
        }
        throw new IOException(host + " has no IPv4 address");
    }

    /** Serves one already connected control socket (inetd mode) on the calling thread. */
    public void serveOne(Socket s) {
        try {
            handler.get().handle(s, shared.admission().admit(s.getInetAddress()), false);
        } catch (Admission.Full f) {
            ConnectionHandler.refuse(s, config.get().tls() != null, Rpcap.ERR_NETW, f.getMessage(), ConnectionHandler.ALERT_INTERNAL_ERROR);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sessions.shutdownNow();
        logins.close();
        timer.shutdownNow();
    }
}
