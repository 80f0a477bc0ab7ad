package org.tapline.puppet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Where connections to the peer come from: a listening port ({@code -s}) or a peer to dial
 * ({@code -c}). The listening socket stays open across connections, so a tapline peer can come back.
 * Sockets come from channels, so that plain connections are read straight into native memory.
 */
public abstract sealed class Endpoint implements AutoCloseable {
    /** The next connection; blocks until there is one. */
    public abstract Socket next() throws IOException;

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

    private static final class Listener extends Endpoint {
        private final ServerSocketChannel server;
        private final String where;
        private final PuppetLog log;

        Listener(InetAddress bind, int port, PuppetLog log) throws IOException {
            this.where = "port " + port + (bind == null ? "" : " of " + bind.getHostAddress());
            this.log = log;
            server = ServerSocketChannel.open();
            server.socket().setReuseAddress(true);
            try {
                server.bind(new InetSocketAddress(bind, port), 1);
            } catch (IOException e) {
                server.close();
                throw new IOException("cannot listen on " + where + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Socket next() throws IOException {
            log.info("waiting for a connection on " + where + "...");
            Socket s = server.accept().socket();
            s.setTcpNoDelay(true);
            log.info("connection from " + s.getRemoteSocketAddress());
            return s;
        }

        @Override
        public boolean connector() {
            return false;
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
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
        public Socket next() throws IOException {
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
            return s;
        }

        @Override
        public boolean connector() {
            return true;
        }

        @Override
        public void close() {
            Socket s = pending;
            if (s != null && !s.isConnected()) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
