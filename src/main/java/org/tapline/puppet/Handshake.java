package org.tapline.puppet;

import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;

/** The version exchange: the side that connected sends its version, the side that listened checks it. */
final class Handshake {
    private Handshake() {}

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
