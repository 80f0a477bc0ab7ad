package org.tapline.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.tapline.os.SignalDispositions;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Signal handlers through sun.misc.Signal (the JDK's supported way to catch a signal without a
 * shutdown): SIGHUP to reload, SIGINT/SIGTERM to end a command cleanly with exit status 0.
 *
 * <p>Each registration first resets an inherited SIG_IGN to SIG_DFL: a script's background job
 * ({@code tapline capture … & kill -INT $!}) starts with SIGINT ignored, and the JVM would keep
 * it and install nothing. tcpdump, rpcapd and etherpuppet set their handlers unconditionally.
 */
final class Signals {
    private Signals() {}

    static void onHangup(Runnable action) {
        handle("HUP", sig -> Thread.ofVirtual().start(action));
    }

    static void onInterrupt(Runnable action) {
        handle("INT", sig -> action.run());
        handle("TERM", sig -> action.run());
    }

    /** SIGUSR1: print counters, as dd does. */
    static void onUser1(Runnable action) {
        handle("USR1", sig -> action.run());
    }

    private static void handle(String name, SignalHandler handler) {
        Signal s = new Signal(name);
        try {
            SignalDispositions.unignore(s.getNumber());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Signal.handle(s, handler);
    }
}
