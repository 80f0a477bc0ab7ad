package org.tapline.puppet;

import java.io.DataOutputStream;
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
        int v = in.readVersion();
        if (v != PuppetWire.VERSION_03 && v != PuppetWire.VERSION_04) {
            throw new IOException("protocol version mismatch: local " + PuppetWire.versionText(version) + ", remote "
                    + PuppetWire.versionText(v));
        }
        in.version(v);
        return v;
    }
}
