package org.tapline.os;

import java.io.IOException;

/** libpcap could not be loaded; the message says how to install it. */
public final class PcapMissingException extends IOException {
    public PcapMissingException(String soname) {
        super("libpcap (" + soname + ") is not installed: run 'apt-get install -y libpcap0.8' as root");
    }
}
