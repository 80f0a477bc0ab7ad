package org.tapline.rpcap;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The data side of a capture (docs/RPCAP.md §2.2): a TCP listener the client
 * connects to (passive), a TCP connection the server makes (active mode, SERVEROPEN), or a
 * connected UDP socket. Only the control connection's peer may connect to the listener (the
 * reference takes anyone, Q8), and it must do so within a deadline.
 */
abstract sealed class DataChannel implements AutoCloseable {
    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(10);

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

    static DataChannel passive(InetAddress peer, int port, SSLContext tls) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            InetAddress any = InetAddress.getByName(peer instanceof Inet6Address ? "::" : "0.0.0.0");
            s.bind(new InetSocketAddress(any, port), 1);
        } catch (IOException e) {
            s.close();
            throw new IOException("bind() failed: " + e.getMessage(), e);
        }
        return new Tcp(s, null, peer, tls);
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
        return new Tcp(null, s, peer, tls);
    }

    static DataChannel udp(InetAddress peer, int port) throws IOException {
        if (port == 0) {
            throw new IOException("Is the server properly installed? Cannot connect to " + AddressText.of(peer) + ": port 0");
        }
        DatagramSocket s = new DatagramSocket();
        s.connect(new InetSocketAddress(peer, port));
        return new Udp(s);
    }

    private static final class Tcp extends DataChannel {
        private final ServerSocket listener;
        private final InetAddress peer;
        private final SSLContext tls;
        private Socket socket;
        private OutputStream out;

        Tcp(ServerSocket listener, Socket socket, InetAddress peer, SSLContext tls) {
            this.listener = listener;
            this.socket = socket;
            this.peer = peer;
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
                    if (s.getInetAddress().equals(peer)) {
                        socket = s;
                    } else {
                        s.close();
                    }
                }
                listener.close();
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
