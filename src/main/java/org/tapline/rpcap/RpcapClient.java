package org.tapline.rpcap;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.tapline.os.PcapDevice;

/**
 * A connection to an rpcapd (ours or libpcap's), as libpcap's {@code rpcap://} client makes it:
 * TCP (TLS for rpcaps://, with the server certificate verified unless told otherwise),
 * authentication, then requests one at a time. Every reply is checked: its version, its type
 * (an ERROR becomes an {@link IOException} carrying the server's text), its length against a
 * bound; a server that stalls runs into the read timeout.
 *
 * <pre>
 *   try (RpcapClient c = RpcapClient.connect(SourceString.parse("rpcap://host/eth0"), null, Tls.verify())) {
 *       try (RpcapLink link = c.open("eth0", RpcapLink.Options.defaults().withFilter("tcp port 80"))) { ... }
 *   }
 * </pre>
 */
public final class RpcapClient implements AutoCloseable {
    /** How a client authenticates: null authentication, or a user and password. */
    public record Credentials(String user, byte[] password) {}

    /** TLS for rpcaps://: a context, and whether to verify the server's certificate and name. */
    public record Tls(SSLContext context, boolean verify) {
        /** Verifying against the certificates in a PEM file (e.g. a self-signed server's own certificate). */
        public static Tls trusting(java.nio.file.Path pem) throws IOException {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, org.tapline.tls.TlsFiles.trustManagers(pem), null);
                return new Tls(ctx, true);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(pem + ": " + e.getMessage(), e);
            }
        }

        public static Tls verifying() throws IOException {
            try {
                return new Tls(SSLContext.getDefault(), true);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException(e);
            }
        }
    }

    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** The largest control reply we read (a FINDALLIF of many interfaces stays far below). */
    static final int MAX_REPLY = 16 << 20;

    private final Socket socket;
    private final SourceString source;
    private final Tls tls;
    /** True when the server dialled us (active mode): it then opens the data connections too. */
    private final boolean serverDials;
    private final DataInputStream in;
    private final OutputStream out;
    private ByteOrder serverOrder = ByteOrder.nativeOrder();

    private RpcapClient(Socket socket, SourceString source, Tls tls, boolean serverDials) throws IOException {
        this.socket = socket;
        this.source = source;
        this.tls = tls;
        this.serverDials = serverDials;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Connects to the server of a remote source string and authenticates. */
    public static RpcapClient connect(SourceString src, Credentials auth, Tls tls) throws IOException {
        if (src.kind() != SourceString.Kind.REMOTE) {
            throw new IllegalArgumentException(src + " is not a remote source");
        }
        InetSocketAddress server = new InetSocketAddress(src.host(), src.port());
        if (server.isUnresolved()) {
            throw new IOException("unknown host " + src.host());
        }
        Socket s = new Socket();
        try {
            s.connect(server, (int) READ_TIMEOUT.toMillis());
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to " + AddressText.of(server) + ": " + e.getMessage(), e);
        }
        return start(s, src, auth, tls, false);
    }

    /**
     * The addresses of a remote source's host: in active mode the only ones a daemon may dial in
     * from (libpcap's pcap_remoteact_accept() checks its caller's host list the same way).
     */
    public static List<InetAddress> addressesOf(SourceString src) throws IOException {
        try {
            return List.of(InetAddress.getAllByName(src.host()));
        } catch (java.net.UnknownHostException e) {
            throw new IOException("unknown host " + src.host(), e);
        }
    }

    /**
     * Active mode: waits on {@code server} for the daemon to dial in, then authenticates on that
     * connection. A connection from any address but {@code from} (see {@link #addressesOf}) is
     * closed before a byte is sent (no credentials reach a stranger who connects first) and
     * reported to {@code refused}; the wait goes on.
     */
    public static RpcapClient accept(ServerSocket server, List<InetAddress> from, SourceString src, Credentials auth, Tls tls,
            Consumer<String> refused) throws IOException {
        while (true) {
            Socket s = server.accept();
            if (from.contains(s.getInetAddress())) {
                return start(s, src, auth, tls, true);
            }
            s.close();
            refused.accept("refused a connection from " + AddressText.of((InetSocketAddress) s.getRemoteSocketAddress())
                    + ": not an address of " + src.host());
        }
    }

    private static RpcapClient start(Socket s, SourceString src, Credentials auth, Tls tls, boolean serverDials) throws IOException {
        try {
            Socket control = src.tls() ? handshake(s, src.host(), tls) : s;
            RpcapClient c = new RpcapClient(control, src, tls, serverDials);
            c.authenticate(auth);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static SSLSocket handshake(Socket s, String host, Tls tls) throws IOException {
        SSLSocket t = (SSLSocket) tls.context().getSocketFactory().createSocket(s, host, s.getPort(), true);
        t.setUseClientMode(true);
        SSLParameters p = org.tapline.tls.TlsPolicy.apply(t.getSSLParameters());
        if (tls.verify()) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        t.setSSLParameters(p);
        try {
            t.startHandshake();
        } catch (IOException e) {
            throw new IOException("TLS with " + host + " failed: " + handshakeFailure(host, String.valueOf(e.getMessage())), e);
        }
        return t;
    }

    /** What a failed handshake means to the user, and what to do about it. */
    static String handshakeFailure(String host, String jdkMessage) {
        if (jdkMessage.contains("PKIX")) {
            return "its certificate is not signed by a trusted authority (trust it with --ca FILE, or --insecure)";
        }
        if (jdkMessage.contains("subject alternative") || jdkMessage.contains("No name matching")) {
            // The JDK matches an address only against the certificate's IP entries, a name against its DNS entries.
            String kind = host.matches("[0-9.]+") || host.contains(":") ? "IP" : "DNS";
            return "its certificate is not for " + host + " (make it with -addext \"subjectAltName=" + kind + ":" + host
                    + "\"; --insecure skips the check)";
        }
        if (jdkMessage.contains("handshake_failure") || jdkMessage.contains("Unsupported or unrecognized SSL message")
                || jdkMessage.contains("plaintext connection")) {
            // rpcapd without -S answers a ClientHello with a bare handshake_failure alert (and
            // other servers with plain bytes): that server speaks rpcap://, not rpcaps://.
            return "the server does not speak TLS (use rpcap://, or start the daemon with -S)";
        }
        return jdkMessage;
    }

    private void authenticate(Credentials auth) throws IOException {
        byte[] req = auth == null ? ClientCodec.authNull() : ClientCodec.authPassword(auth.user(), auth.password());
        Reply r = exchange(req, Rpcap.MSG_AUTH_REQ);
        try {
            serverOrder = ClientCodec.serverByteOrder(r.payload());
        } catch (RpcapProtocolException e) {
            throw new IOException(e.getMessage());
        }
    }

    /** A reply's header value and payload. */
    record Reply(int value, byte[] payload) {}

    /** Sends a request and reads its reply; an ERROR or an unexpected type is an IOException. */
    synchronized Reply exchange(byte[] request, int requestType) throws IOException {
        out.write(request);
        out.flush();
        return readReply(requestType);
    }

    private Reply readReply(int requestType) throws IOException {
        while (true) {
            byte[] h = new byte[Rpcap.HEADER];
            try {
                in.readFully(h);
            } catch (SocketTimeoutException e) {
                throw new IOException("the server sent no reply to " + Rpcap.typeName(requestType) + " within " + READ_TIMEOUT.toSeconds() + " s");
            } catch (EOFException e) {
                throw new IOException("The server terminated the connection.");
            }
            RpcapHeader hdr = RpcapHeader.parse(h);
            if (hdr.plen() > MAX_REPLY) {
                throw new IOException("the server sent a " + hdr.plen() + "-byte message; the limit is " + MAX_REPLY);
            }
            byte[] p = new byte[(int) hdr.plen()];
            in.readFully(p);
            if (hdr.version() != Rpcap.VERSION) {
                throw new IOException("Server sent us a message with version " + hdr.version() + " when we were expecting " + Rpcap.VERSION);
            }
            if (hdr.type() == Rpcap.MSG_ERROR) {
                String text = new String(p, 0, Math.min(p.length, Rpcap.MAX_ERROR_TEXT), StandardCharsets.UTF_8);
                if (hdr.value() == Rpcap.ERR_READEX && requestType != Rpcap.MSG_STARTCAP_REQ) {
                    // an unsolicited report from a capture thread; the reply still follows
                    lastCaptureError = text;
                    continue;
                }
                throw new IOException(source.host() + ": " + text);
            }
            if (hdr.type() != (requestType | Rpcap.REPLY)) {
                throw new IOException(Rpcap.typeName(hdr.type()) + " message received in response to a " + Rpcap.typeName(requestType) + " message");
            }
            return new Reply(hdr.value(), p);
        }
    }

    private volatile String lastCaptureError;

    /** The text of an unsolicited capture error (ERROR 9) the server sent, or null. */
    public String captureError() {
        return lastCaptureError;
    }

    public SourceString source() {
        return source;
    }

    boolean serverDials() {
        return serverDials;
    }

    Tls tls() {
        return tls;
    }

    Socket socket() {
        return socket;
    }

    ByteOrder serverByteOrder() {
        return serverOrder;
    }

    /** The server's interfaces (FINDALLIF). */
    public List<PcapDevice> devices() throws IOException {
        Reply r = exchange(ClientCodec.request(Rpcap.VERSION, Rpcap.MSG_FINDALLIF_REQ, new byte[0]), Rpcap.MSG_FINDALLIF_REQ);
        try {
            return ClientCodec.devices(r.value(), r.payload());
        } catch (RpcapProtocolException e) {
            throw new IOException(source.host() + ": " + e.getMessage());
        }
    }

    /** Opens a remote device and starts capturing from it. */
    public RpcapLink open(String device, RpcapLink.Options options) throws IOException {
        Reply r = exchange(ClientCodec.request(Rpcap.VERSION, Rpcap.MSG_OPEN_REQ, device.getBytes(StandardCharsets.UTF_8)),
                Rpcap.MSG_OPEN_REQ);
        if (r.payload().length < 8) {
            throw new IOException("OPEN reply from " + source.host() + " is too short");
        }
        int linkType = ByteBuffer.wrap(r.payload()).getInt(0);
        return RpcapLink.start(this, device, linkType, options);
    }

    /**
     * Ends the session. A passive-mode session ends with CLOSE. In active mode the connection is
     * just dropped, as libpcap's pcap_close() leaves it (it sends CLOSE only from
     * pcap_remoteact_close()): rpcapd stops dialling a client that sent CLOSE, and dials again
     * at once one that went away, so the next {@code capture --listen} is served.
     */
    @Override
    public void close() {
        if (!serverDials) {
            try {
                out.write(ClientCodec.request(Rpcap.VERSION, Rpcap.MSG_CLOSE, new byte[0]));
                out.flush();
            } catch (IOException ignored) {
                // the server is gone already
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
