package org.tapline.rpcap;

import java.io.PrintStream;

/** rpcapd's log lines on stderr: {@code rpcapd: [DEBUG: |warning: |error: ]message}; debug only with -D. */
public final class DaemonLog {
    private final PrintStream out;
    private final boolean debug;

    public DaemonLog(PrintStream out, boolean debug) {
        this.out = out;
        this.debug = debug;
    }

    public void debug(String m) {
        if (debug) {
            out.println("rpcapd: DEBUG: " + m);
        }
    }

    public void info(String m) {
        out.println("rpcapd: " + m);
    }

    public void warn(String m) {
        out.println("rpcapd: warning: " + m);
    }

    public void error(String m) {
        out.println("rpcapd: error: " + m);
    }
}
