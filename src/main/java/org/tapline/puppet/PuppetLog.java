package org.tapline.puppet;

import java.io.PrintStream;

/** Progress lines on stderr ({@code -d} for debug detail). */
public record PuppetLog(PrintStream out, int debug) {
    public void info(String m) {
        out.println("tapline puppet: " + m);
        out.flush();
    }

    public void debug(String m) {
        if (debug > 0) {
            info(m);
        }
    }
}
