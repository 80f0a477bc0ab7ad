package org.tapline.cli;

/**
 * Signal handlers through sun.misc.Signal (the JDK's supported way to catch a signal without a
 * shutdown): SIGHUP to reload, SIGINT/SIGTERM to end a command cleanly with exit status 0.
 */
final class Signals {
    private Signals() {}

    static void onHangup(Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().start(action));
    }

    static void onInterrupt(Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> action.run());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> action.run());
    }

    /** SIGUSR1: print counters, as dd does. */
    static void onUser1(Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> action.run());
    }
}
