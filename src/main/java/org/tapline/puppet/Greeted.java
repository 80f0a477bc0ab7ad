package org.tapline.puppet;

import java.net.Socket;

/**
 * A connection whose handshake is done: its socket (a TLS one when asked for), the reader that
 * read the handshake, the session's protocol version, whether we dialled, and for a master the
 * puppet's link type (-1 otherwise).
 */
public final class Greeted {
    private final Socket socket;
    final PuppetReader in;
    final int version;
    final boolean connector;
    final int linkType;

    Greeted(Socket socket, PuppetReader in, int version, boolean connector, int linkType) {
        this.socket = socket;
        this.in = in;
        this.version = version;
        this.connector = connector;
        this.linkType = linkType;
    }

    public Socket socket() {
        return socket;
    }
}
