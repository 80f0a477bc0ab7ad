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

    /** The message for a listener that hung up right after our version: most likely a version mismatch. */
    static String hungUpAfterVersion(int version) {
        String other = version == PuppetWire.VERSION_03 ? "0.4" : "0.3";
        return "the peer closed the connection right after our protocol version " + PuppetWire.versionText(version)
                + ": it may speak another etherpuppet version (try --protocol " + other + ")";
    }
}
