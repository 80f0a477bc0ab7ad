package org.tapline.puppet;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    Connection(Socket socket, PuppetLog log, Counters counters) {
        this.socket = socket;
        this.log = log;
        this.counters = counters;
        try {
            InputStream i = socket.getInputStream();
            OutputStream o = socket.getOutputStream();
            // A plain socket's own channel moves bytes from and to native memory with no copy of ours; a
            // TLS socket layered on one reports that channel too, but its bytes are the records.
            java.nio.channels.SocketChannel plain = socket instanceof javax.net.ssl.SSLSocket ? null : socket.getChannel();
            this.in = plain != null ? new PuppetReader(plain, i) : new PuppetReader(i);
            this.out = plain != null ? new Stream(plain, counters) : new Stream(o, counters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counters.connections.incrementAndGet();
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
        if (e instanceof PuppetProtocolException) {
            return new End(End.Outcome.PROTOCOL, e.getMessage(), out.tapline());
        }
        if (e instanceof SSLException) {
            return new End(End.Outcome.PROTOCOL, "TLS: " + e.getMessage(), out.tapline());
        }
        if (e instanceof EOFException) {
            return lost(e.getMessage() == null ? "the peer closed the connection in the middle of a message" : e.getMessage());
        }
        return lost("connection lost: " + e.getMessage());
    }

    End lost(String why) {
        if (stopping) {
            return new End(End.Outcome.STOPPED, "stopped", out.tapline());
        }
        return new End(End.Outcome.LOST, why, out.tapline());
    }
}
