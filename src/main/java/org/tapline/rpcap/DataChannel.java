package org.tapline.rpcap;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.tapline.os.SocketTable;

/**
 * The data side of a capture (docs/RPCAP.md §2.2): a TCP listener the client
 * connects to (passive), a TCP connection the server makes (active mode, SERVEROPEN), or a
 * connected UDP socket. Only the control connection's peer may connect to the listener (the
 * reference takes anyone, Q8), and it must do so within a deadline; see {@link #passive}.
 */
abstract sealed class DataChannel implements AutoCloseable {
    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(10);
    /** Room for a few connections turned away while the client's own is on its way. */
    private static final int BACKLOG = 8;
    /** Counts data sockets opened in this daemon, so captures know when to renew their own-traffic exclusion. */
    static final AtomicLong OPENED = new AtomicLong();

    /** The port to announce in STARTCAP_REPLY (0 when the server opens the channel). */
    abstract int announcedPort();

    /** Completes the connection (accept or TLS handshake). */
    abstract void open() throws IOException;

    /** Sends the PACKET messages between position 0 and the buffer's position. */
    abstract void send(ByteBuffer messages) throws IOException;

    /** True when every message must go alone (one UDP datagram each). */
    abstract boolean oneMessageEach();

    /** The local and remote ends, for excluding our own traffic from the capture. */
    abstract InetSocketAddress local();

    abstract InetSocketAddress remote();

    @Override
    public abstract void close();

    /**
     * A listener on the control connection's local address (never every address: with
     * {@code -b 127.0.0.1} the data port is not reachable from elsewhere either). When the
     * control peer is on this host, the data connection is taken only from a socket owned by the
     * same uid as the control connection's client socket: another local user who connects first
     * is turned away (issue 10, item 7). A remote peer is matched by address alone; only TLS
     * ({@code -S}) binds the data stream to the client then.
     */
    static DataChannel passive(InetSocketAddress controlLocal, InetSocketAddress controlRemote, int port, SSLContext tls)
            throws IOException {
        OptionalInt owner = OptionalInt.empty();
        if (onThisHost(controlRemote.getAddress())) {
            owner = SocketTable.tcpOwner(controlRemote, controlLocal);
            if (owner.isEmpty()) {
                throw new IOException("cannot tell which user owns the control connection from " + AddressText.of(controlRemote)
                        + " (not in /proc/net/tcp)");
            }
        }
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(controlLocal.getAddress(), port), BACKLOG);
        } catch (IOException e) {
            s.close();
            throw new IOException("bind() failed: " + e.getMessage(), e);
        }
        OPENED.incrementAndGet();
        return new Tcp(s, null, controlRemote.getAddress(), owner, tls);
    }

    /** True when {@code a} is one of this host's addresses (then the peer's sockets are in our socket table). */
    static boolean onThisHost(InetAddress a) throws IOException {
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
    }

    static DataChannel connect(InetAddress peer, int port, SSLContext tls) throws IOException {
        if (port == 0) {
            throw new IOException("Is the server properly installed? Cannot connect to " + AddressText.of(peer) + ": port 0");
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(peer, port), (int) CONNECT_DEADLINE.toMillis());
        } catch (IOException e) {
            s.close();
            throw new IOException("Is the server properly installed? Cannot connect to " + AddressText.of(peer) + ": "
                    + e.getMessage(), e);
        }
        OPENED.incrementAndGet();
        return new Tcp(null, s, peer, OptionalInt.empty(), tls);
    }

    static DataChannel udp(InetAddress peer, int port) throws IOException {
        if (port == 0) {
            throw new IOException("Is the server properly installed? Cannot connect to " + AddressText.of(peer) + ": port 0");
        }
        DatagramSocket s = new DatagramSocket();
        s.connect(new InetSocketAddress(peer, port));
        OPENED.incrementAndGet();
        return new Udp(s);
    }

    private static final class Tcp extends DataChannel {
        private final ServerSocket listener;
        private final InetAddress peer;
        /** For a peer on this host: the uid that owns its control connection's socket. */
        private final OptionalInt owner;
        private final SSLContext tls;
        private Socket socket;
        private OutputStream out;

        Tcp(ServerSocket listener, Socket socket, InetAddress peer, OptionalInt owner, SSLContext tls) {
            this.listener = listener;
            this.socket = socket;
            this.peer = peer;
            this.owner = owner;
            this.tls = tls;
        }

        @Override
        int announcedPort() {
            return listener == null ? 0 : listener.getLocalPort();
        }

        @Override
        void open() throws IOException {
            if (listener != null) {
                long deadline = System.nanoTime() + CONNECT_DEADLINE.toNanos();
                while (socket == null) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new IOException("the client did not open the data connection within " + CONNECT_DEADLINE.toSeconds() + " s");
                    }
                    listener.setSoTimeout((int) left);
                    Socket s;
                    try {
                        s = listener.accept();
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (fromTheClient(s)) {
                        socket = s;
                    } else {
                        s.close();
                    }
                }
                listener.close();
                OPENED.incrementAndGet();
            }
            socket.setTcpNoDelay(true);
            socket.setSendBufferSize(1 << 20);
            if (tls != null) {
                SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(socket, peer.getHostAddress(), socket.getPort(), true);
                t.setUseClientMode(false);
                t.setSoTimeout((int) CONNECT_DEADLINE.toMillis());
                t.startHandshake();
                t.setSoTimeout(0);
                socket = t;
            }
            out = socket.getOutputStream();
        }

        /** From the control peer's address and, for a peer on this host, from a socket of the same uid. */
        private boolean fromTheClient(Socket s) throws IOException {
            if (!s.getInetAddress().equals(peer)) {
                return false;
            }
            if (owner.isEmpty()) {
                return true;
            }
            OptionalInt uid = SocketTable.tcpOwner((InetSocketAddress) s.getRemoteSocketAddress(),
                    (InetSocketAddress) s.getLocalSocketAddress());
            return uid.isPresent() && uid.getAsInt() == owner.getAsInt();
        }

        @Override
        void send(ByteBuffer m) throws IOException {
            out.write(m.array(), m.arrayOffset(), m.position());
        }

        @Override
        boolean oneMessageEach() {
            return false;
        }

        @Override
        InetSocketAddress local() {
            return socket == null ? null : (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        InetSocketAddress remote() {
            return socket == null ? null : (InetSocketAddress) socket.getRemoteSocketAddress();
        }

        @Override
        public void close() {
            try {
                if (listener != null) {
                    listener.close();
                }
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing: nothing left to tell the client
            }
        }
    }

    private static final class Udp extends DataChannel {
        private final DatagramSocket socket;

        Udp(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        int announcedPort() {
            return 0;
        }

        @Override
        void open() {
        }

        @Override
        void send(ByteBuffer m) throws IOException {
            socket.send(new DatagramPacket(m.array(), m.arrayOffset(), m.position()));
        }

        @Override
        boolean oneMessageEach() {
            return true;
        }

        @Override
        InetSocketAddress local() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        InetSocketAddress remote() {
            return (InetSocketAddress) socket.getRemoteSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
