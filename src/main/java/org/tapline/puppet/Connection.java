package org.tapline.puppet;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;

import javax.net.ssl.SSLException;

/** One TCP (or TLS) connection to the peer: its reader, its stream, and how it ended. */
abstract class Connection {
    final Socket socket;
    final PuppetReader in;
    final Stream out;
    final PuppetLog log;
    final Counters counters;
    private volatile boolean stopping;

    Connection(Greeted greeted, PuppetLog log, Counters counters) {
        this.socket = greeted.socket();
        this.log = log;
        this.counters = counters;
        this.in = greeted.in;
        try {
            java.nio.channels.SocketChannel plain = plain(socket);
            this.out = plain != null ? new Stream(plain, counters) : new Stream(socket.getOutputStream(), counters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counters.connections.incrementAndGet();
    }

    /**
     * A plain socket's own channel moves bytes from and to native memory with no copy of ours; a
     * TLS socket layered on one reports that channel too, but its bytes are the records.
     */
    private static java.nio.channels.SocketChannel plain(Socket socket) {
        return socket instanceof javax.net.ssl.SSLSocket ? null : socket.getChannel();
    }

    /** The reader of a connection, made for its handshake. */
    static PuppetReader reader(Socket socket) throws IOException {
        InputStream i = socket.getInputStream();
        java.nio.channels.SocketChannel plain = plain(socket);
        return plain != null ? new PuppetReader(plain, i) : new PuppetReader(i);
    }

    /** Ends the connection on purpose; a tapline peer hears a goodbye first, so it does not reconnect. */
    void stop() {
        stopping = true;
        if (out.tapline()) {
            out.bye();
        }
        close();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // ending anyway
        }
    }

    /** How a failed read or write ends the connection. */
    End ended(IOException e) {
        if (stopping) {
            return new End(End.Outcome.STOPPED, "stopped", out.tapline());
        }
        return ended(e, out.tapline());
    }

    /** How a failed read or write ends a connection in tapline mode or not. */
    static End ended(IOException e, boolean tapline) {
        if (e instanceof PuppetProtocolException) {
            return new End(End.Outcome.PROTOCOL, e.getMessage(), tapline);
        }
        if (e instanceof SSLException) {
            return new End(End.Outcome.PROTOCOL, "TLS: " + e.getMessage(), tapline);
        }
        if (e instanceof EOFException) {
            return new End(End.Outcome.LOST, e.getMessage() == null ? "the peer closed the connection in the middle of a message" : e.getMessage(), tapline);
        }
        return new End(End.Outcome.LOST, "connection lost: " + e.getMessage(), tapline);
    }

    End lost(String why) {
        if (stopping) {
            return new End(End.Outcome.STOPPED, "stopped", out.tapline());
        }
        return new End(End.Outcome.LOST, why, out.tapline());
    }
}
