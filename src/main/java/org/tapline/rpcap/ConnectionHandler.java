package org.tapline.rpcap;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import javax.net.ssl.SSLSocket;

/**
 * Takes one accepted (or, in active mode, dialled) control connection through what rpcapd does
 * before the protocol proper (docs/RPCAP.md §2.1). The host allow-list comes first, before a
 * byte is read or a TLS handshake started (a stranger costs no handshake and learns no host
 * name). Then the first byte decides TLS (0x16, a handshake record) or plain RPCAP (version 0); a
 * plain client of a TLS-only server gets ERROR 19, a TLS client of a plain server a TLS
 * handshake_failure alert; then the session. The whole authentication, TLS handshake included,
 * runs under one absolute deadline from accept ({@link Watchdog}).
 */
final class ConnectionHandler {
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int TLS_RECORD_HEADER = 5;
    /** RFC 8446 §6: the alert descriptions sent when refusing a TLS client before its handshake. */
    static final int ALERT_INTERNAL_ERROR = 80;
    static final int ALERT_ACCESS_DENIED = 49;
    /** The one refusal text for hosts not let in: it names none of the allowed hosts. */
    static final String NOT_ALLOWED = "The host is not in the allowed host list. Connection refused.";
    /** Active mode has no deadlines: the daemon chose its peer (as the reference's active loop). */
    private static final Duration NO_DEADLINE = Duration.ofDays(3650);

    /**
     * What outlives a reconfiguration: the counts, the deadline timer, and the throttled logs of
     * refused connections (over a cap), of hosts not allowed, and of logins and captures over a cap.
     */
    record Shared(Admission admission, ScheduledExecutorService timer, LogThrottle capRefusals, LogThrottle hostRefusals,
                  LogThrottle sessionRefusals) {}

    private final DaemonConfig config;
    private final Authenticator auth;
    private final HostAllowList allowList;
    private final Shared shared;

    ConnectionHandler(DaemonConfig config, HostAllowList allowList, Shared shared, LoginGuard logins) {
        this.config = config;
        this.allowList = allowList;
        this.shared = shared;
        this.auth = config.authenticator(logins);
    }

    /** Serves the connection to its end; true when the client ended it with CLOSE. The ticket is given back at the end. */
    boolean handle(Socket socket, Admission.Ticket ticket, boolean activeMode) {
        String peer = AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress());
        Watchdog deadline = new Watchdog(shared.timer(), () -> shutInput(socket));
        try (socket; ticket) {
            if (!activeMode) {
                String why = allowList.refusal(socket.getInetAddress());
                if (why != null) {
                    shared.hostRefusals().log("connection refused: " + peer + ", not in the allowed host list"
                            + (why.equals(NOT_ALLOWED) ? "" : " (" + why + ")"));
                    refuse(socket, config.tls() != null, Rpcap.ERR_HOSTNOAUTH, NOT_ALLOWED, ALERT_ACCESS_DENIED);
                    return false;
                }
                deadline.arm(config.authDeadline());
            }
            socket.setSoTimeout((int) Math.min(config.authDeadline().toMillis(), Integer.MAX_VALUE));
            socket.setTcpNoDelay(true);
            PushbackInputStream in = new PushbackInputStream(socket.getInputStream(), 1);
            int first;
            boolean timedOut = false;
            try {
                first = in.read();
            } catch (java.net.SocketTimeoutException e) {
                first = -1;
                timedOut = true;
            }
            if (first < 0) {
                if (timedOut || deadline.fired()) {
                    // Not one byte within the deadline (the reference waits forever, Q6).
                    initialTimeout(socket.getOutputStream());
                }
                return false;
            }
            in.unread(first);
            Socket s = socket;
            InputStream sin = in;
            if (first == TLS_HANDSHAKE) {
                if (config.tls() == null) {
                    config.log().info("connection refused: " + peer + ", it speaks TLS and this daemon runs without -S");
                    refuseTls(in, socket.getOutputStream());
                    return false;
                }
                SSLSocket t = (SSLSocket) config.tls().getSocketFactory().createSocket(socket, new ByteArrayInputStream(new byte[] {(byte) in.read()}), true);
                t.setUseClientMode(false);
                try {
                    t.startHandshake();
                } catch (IOException e) {
                    config.log().info("connection refused: " + peer + ", TLS handshake "
                            + (deadline.fired() ? "not finished within the authentication deadline" : "failed: " + e.getMessage()));
                    throw e;
                }
                s = t;
                sin = t.getInputStream();
            } else if (config.tls() != null && config.tlsRequired()) {
                config.log().info("connection refused: " + peer + ", plain RPCAP and this daemon requires TLS (-S)");
                refusePlain(in, socket.getOutputStream());
                return false;
            }
            return serve(s, sin, s.getOutputStream(), activeMode, peer, deadline, ticket);
        } catch (IOException e) {
            config.log().debug("connection with " + peer + " ended: " + (deadline.fired() ? "deadline passed" : e.getMessage()));
            return false;
        } finally {
            deadline.disarm();
        }
    }

    private boolean serve(Socket s, InputStream in, OutputStream out, boolean activeMode, String peer, Watchdog deadline,
                          Admission.Ticket ticket) throws IOException {
        Socket timeoutTarget = s;
        ControlConnection[] conn = new ControlConnection[1];
        LocalHost local = new LocalHost((InetSocketAddress) s.getLocalSocketAddress(), (InetSocketAddress) s.getRemoteSocketAddress(),
                activeMode, config.dataPort(), config.tls(), config.excludeOwnTraffic(),
                reason -> conn[0].sendAsync(Replies.error(Rpcap.VERSION, Rpcap.ERR_READEX, "Error reading the packets: " + reason)));
        ControlConnection.Guard guard = new ControlConnection.Guard(deadline, activeMode ? NO_DEADLINE : config.limits().messageDeadline(),
                () -> ticket.promote(), text -> shared.sessionRefusals().log("login refused: " + peer + ", " + text));
        conn[0] = new ControlConnection(in, out, timeoutTarget::setSoTimeout,
                activeMode ? NO_DEADLINE : config.authDeadline(), activeMode ? NO_DEADLINE : config.idleLimit(), guard);
        SessionLog events = new SessionLog(config.log(), peer, activeMode);
        ServerSession.Host host = new CappedHost(local, ticket, shared.sessionRefusals(), peer);
        ServerSession session = new ServerSession(auth, s.getInetAddress(), host, config.tls() != null, events);
        try {
            conn[0].serve(session);
        } finally {
            events.ended(session);
        }
        return session.closedByClient();
    }

    /**
     * Refuses a connection before reading from it: with -S a TLS fatal alert (a client's first
     * bytes are its ClientHello, it cannot read RPCAP in the clear), else an RPCAP ERROR; then the
     * output is shut (the reply goes out before the FIN) and the socket closed. The reply is a few
     * dozen bytes into a fresh socket's send buffer, so the write does not block.
     */
    static void refuse(Socket s, boolean tls, int code, String text, int alert) {
        try (s) {
            OutputStream out = s.getOutputStream();
            out.write(tls ? new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, (byte) alert} : Replies.error(Rpcap.VERSION, code, text));
            out.flush();
            s.shutdownOutput();
        } catch (IOException ignored) {
            // the peer is gone already: nothing to tell it
        }
    }

    private static void initialTimeout(OutputStream out) throws IOException {
        out.write(Replies.error(Rpcap.VERSION, Rpcap.ERR_INITTIMEOUT, "The RPCAP initial timeout has expired"));
        out.flush();
    }

    /** The watchdog's cut: a blocked read sees the end of the stream, the output stays open for the error reply. */
    private static void shutInput(Socket s) {
        try {
            s.shutdownInput();
        } catch (IOException ignored) {
            // already closed: the reader has ended anyway
        }
    }

    /** A TLS ClientHello on a plain server: discard the record, answer a fatal handshake_failure alert. */
    private static void refuseTls(InputStream in, OutputStream out) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] h = new byte[TLS_RECORD_HEADER];
        d.readFully(h);
        int len = ((h[3] & 0xff) << 8) | (h[4] & 0xff);
        d.skipNBytes(Math.min(len, 1 << 14));
        out.write(new byte[] {0x15, h[1], h[2], 0x00, 0x02, 0x02, 0x28});
        out.flush();
    }

    /** Plain RPCAP on a TLS-only server: read the first header, skip its payload, ERROR 19 with its version. */
    private static void refusePlain(InputStream in, OutputStream out) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] h = new byte[Rpcap.HEADER];
        d.readFully(h);
        RpcapHeader header = RpcapHeader.parse(h);
        d.skipNBytes(Math.min(header.plen(), ControlConnection.MAX_PLEN));
        out.write(Replies.error(header.version(), Rpcap.ERR_TLS_REQUIRED, "TLS is required by this server"));
        out.flush();
    }

}
