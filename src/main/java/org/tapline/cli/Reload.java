package org.tapline.cli;

/** SIGHUP handling (sun.misc.Signal, the JDK's supported-but-unsupported way to catch a signal). */
final class Reload {
    private Reload() {}

    static void onHangup(Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().start(action));
    }
}
