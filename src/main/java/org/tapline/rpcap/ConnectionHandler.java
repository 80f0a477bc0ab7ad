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

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Takes one accepted (or, in active mode, dialled) control connection through what rpcapd does
 * before the protocol proper (docs/RPCAP.md §2.1): the first byte decides
 * TLS (0x16, a handshake record) or plain RPCAP (version 0); a plain client of a TLS-only server
 * gets ERROR 19, a TLS client of a plain server a TLS handshake_failure alert; then the host
 * allow-list; then the session.
 */
final class ConnectionHandler {
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int TLS_RECORD_HEADER = 5;

    private final DaemonConfig config;
    private final Authenticator auth;
    private final HostAllowList allowList;

    ConnectionHandler(DaemonConfig config, HostAllowList allowList, LoginGuard logins) {
        this.config = config;
        this.allowList = allowList;
        this.auth = config.authenticator(logins);
    }

    /** Serves the connection to its end; true when the client ended it with CLOSE. */
    boolean handle(Socket socket, boolean activeMode) {
        String peer = AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress());
        try (socket) {
            socket.setSoTimeout((int) config.authDeadline().toMillis());
            socket.setTcpNoDelay(true);
            PushbackInputStream in = new PushbackInputStream(socket.getInputStream(), 1);
            int first;
            try {
                first = in.read();
            } catch (java.net.SocketTimeoutException e) {
                // Not one byte within the deadline (the reference waits forever, Q6).
                socket.getOutputStream().write(Replies.error(Rpcap.VERSION, Rpcap.ERR_INITTIMEOUT, "The RPCAP initial timeout has expired"));
                return false;
            }
            if (first < 0) {
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
                    config.log().info("connection refused: " + peer + ", TLS handshake failed: " + e.getMessage());
                    throw e;
                }
                s = t;
                sin = t.getInputStream();
            } else if (config.tls() != null && config.tlsRequired()) {
                config.log().info("connection refused: " + peer + ", plain RPCAP and this daemon requires TLS (-S)");
                refusePlain(in, socket.getOutputStream());
                return false;
            }
            OutputStream out = s.getOutputStream();
            if (!activeMode) {
                String refusal = allowList.refusal(socket.getInetAddress());
                if (refusal != null) {
                    config.log().info("connection refused: " + peer + ", not in the allowed host list");
                    out.write(Replies.error(Rpcap.VERSION, Rpcap.ERR_HOSTNOAUTH, refusal));
                    out.flush();
                    return false;
                }
            }
            return serve(s, sin, out, activeMode, peer);
        } catch (IOException e) {
            config.log().debug("connection with " + peer + " ended: " + e.getMessage());
            return false;
        }
    }

    private boolean serve(Socket s, InputStream in, OutputStream out, boolean activeMode, String peer) throws IOException {
        Socket timeoutTarget = s;
        ControlConnection[] conn = new ControlConnection[1];
        LocalHost host = new LocalHost((InetSocketAddress) s.getLocalSocketAddress(), (InetSocketAddress) s.getRemoteSocketAddress(),
                activeMode, config.dataPort(), config.tls(), config.excludeOwnTraffic(),
                reason -> conn[0].sendAsync(Replies.error(Rpcap.VERSION, Rpcap.ERR_READEX, "Error reading the packets: " + reason)));
        conn[0] = new ControlConnection(in, out, timeoutTarget::setSoTimeout,
                activeMode ? Duration.ofDays(3650) : config.authDeadline(), activeMode ? Duration.ofDays(3650) : config.idleLimit());
        SessionLog events = new SessionLog(config.log(), peer, activeMode);
        ServerSession session = new ServerSession(auth, s.getInetAddress(), host, config.tls() != null, events);
        try {
            conn[0].serve(session);
        } finally {
            events.ended(session);
        }
        return session.closedByClient();
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
