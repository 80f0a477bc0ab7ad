package org.tapline.puppet;

import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * What a connection goes through before its session: TLS when asked for, then the version
 * exchange (the side that connected sends its version, the side that listened checks it), and on
 * the master the puppet's link type, which follows at once. {@link Endpoint} runs it under an
 * absolute deadline, off the accept loop.
 */
public final class Handshake {
    /** How a handshake failed: timed out (a dialler tries again), refused by TLS (a listener goes on), or else. */
    enum Kind { TIMEOUT, TLS, OTHER }

    /** A failed handshake and how the connection ends. */
    static final class Failed extends IOException {
        final Kind kind;
        final transient End end;

        Failed(Kind kind, End end) {
            super(end.why());
            this.kind = kind;
            this.end = end;
        }
    }

    private final int version;
    private final boolean master;
    private final PuppetTls tls;
    private final PuppetLog log;

    /** {@code version}: the one a dialler sends; {@code master}: read the link type too; {@code tls} may be null. */
    public Handshake(int version, boolean master, PuppetTls tls, PuppetLog log) {
        this.version = version;
        this.master = master;
        this.tls = tls;
        this.log = log;
    }

    Greeted greet(Socket raw, boolean connector) throws Failed {
        Socket s = raw;
        if (tls != null) {
            try {
                s = tls.wrap(raw, connector);
                log.info("TLS session with " + s.getRemoteSocketAddress());
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                String why = m.startsWith("TLS") ? m : "TLS: " + m;
                throw new Failed(timedOut(e) ? Kind.TIMEOUT : Kind.TLS, new End(End.Outcome.PROTOCOL, why, false));
            }
        }
        try {
            PuppetReader in = Connection.reader(s);
            int v = run(connector, version, in, s.getOutputStream());
            int linkType = -1;
            if (master) {
                try {
                    linkType = in.readLinkType();
                } catch (EOFException e) {
                    throw new EOFException(connector ? hungUpAfterVersion(version, "puppet")
                            : e.getMessage() != null ? e.getMessage() : "the puppet closed the connection before sending its link type");
                }
            }
            return new Greeted(s, in, v, connector, linkType);
        } catch (IOException e) {
            throw new Failed(timedOut(e) ? Kind.TIMEOUT : Kind.OTHER, Connection.ended(e, false));
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Returns the session's version: ours when we connected, the peer's (0.3 or 0.4) when we listened. */
    static int run(boolean connector, int version, PuppetReader in, OutputStream out) throws IOException {
        if (connector) {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(version);
            d.flush();
            in.version(version);
            return version;
        }
        int v;
        try {
            v = in.readVersion();
        } catch (EOFException e) {
            throw new EOFException("the peer closed the connection before sending its protocol version");
        }
        if (v != PuppetWire.VERSION_03 && v != PuppetWire.VERSION_04) {
            throw new PuppetProtocolException("protocol version mismatch: local " + PuppetWire.versionText(PuppetWire.VERSION_03)
                    + " or " + PuppetWire.versionText(PuppetWire.VERSION_04) + ", remote " + PuppetWire.versionText(v));
        }
        in.version(v);
        return v;
    }

    /**
     * The message for a listener ({@code peer}: "puppet" or "master") that hung up right after our
     * version. A tapline listener takes both versions, and so a version mismatch is the likely cause
     * only when we sent 0.4 (Debian's etherpuppet speaks 0.3 alone); after 0.3 the peer failed on its
     * side (etherpuppet and tapline close so when the interface or TAP cannot be had).
     */
    static String hungUpAfterVersion(int version, String peer) {
        String what = "the " + peer + " closed the connection right after our protocol version " + PuppetWire.versionText(version)
                + ", before sending anything";
        if (version == PuppetWire.VERSION_04) {
            return what + ": it may speak etherpuppet 0.3 only, as Debian's does (try --protocol 0.3, the default)";
        }
        return what + ": it failed on its side (its own output says why, e.g. an interface it cannot open)";
    }
}
