package org.tapline.puppet;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one side (puppet or master) over the connections an {@link Endpoint} gives: one
 * connection for an etherpuppet peer, as etherpuppet does; with a tapline peer, a connection lost
 * without a goodbye is made again (the dialler retries after 1, 2, 4 ... 30 s; the listener waits
 * for the peer), and the master's TAP stays meanwhile.
 */
public final class Runner {
    /** One side's work on a connection. */
    public interface Side {
        End run(Socket socket, boolean connector);

        void stop();
    }

    private static final int MAX_BACKOFF_SECONDS = 30;

    private final Endpoint endpoint;
    private final PuppetTls tls;
    private final boolean reconnect;
    private final Side side;
    private final PuppetLog log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** {@code tls} may be null (plain TCP, as etherpuppet). */
    public Runner(Endpoint endpoint, PuppetTls tls, boolean reconnect, Side side, PuppetLog log) {
        this.endpoint = endpoint;
        this.tls = tls;
        this.reconnect = reconnect;
        this.side = side;
        this.log = log;
    }

    /** Ends the run: from a signal handler, any thread. */
    public void stop() {
        stopped.countDown();
        side.stop();
        endpoint.close();
    }

    private boolean stopping() {
        return stopped.getCount() == 0;
    }

    /** Returns how the last connection ended. */
    public End run() {
        boolean again = false;
        int backoff = 1;
        while (true) {
            Socket s;
            try {
                s = endpoint.next();
            } catch (IOException e) {
                if (stopping()) {
                    return new End(End.Outcome.STOPPED, "stopped", again);
                }
                if (!again || !endpoint.connector()) {
                    return new End(End.Outcome.FAILED, e.getMessage(), false);
                }
                log.info(e.getMessage() + "; trying again in " + backoff + " s");
                if (pause(backoff)) {
                    return new End(End.Outcome.STOPPED, "stopped", true);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_SECONDS);
                continue;
            }
            if (tls != null) {
                try {
                    s = tls.wrap(s, endpoint.connector());
                    log.info("TLS session with " + s.getRemoteSocketAddress());
                } catch (IOException e) {
                    close(s);
                    String why = e.getMessage().startsWith("TLS") ? e.getMessage() : "TLS: " + e.getMessage();
                    if (stopping()) {
                        return new End(End.Outcome.STOPPED, "stopped", again);
                    }
                    if (!endpoint.connector()) {
                        log.info("refused a connection: " + why);
                        continue;
                    }
                    return new End(End.Outcome.PROTOCOL, why, false);
                }
            }
            long started = System.nanoTime();
            End end;
            try {
                end = side.run(s, endpoint.connector());
            } catch (java.io.UncheckedIOException e) {
                end = new End(End.Outcome.LOST, "connection lost: " + e.getCause().getMessage(), again);
            }
            close(s);
            if (stopping()) {
                return new End(End.Outcome.STOPPED, "stopped", end.tapline());
            }
            if (!reconnect || !end.reconnectable()) {
                return end;
            }
            log.info(end.why() + "; the link is down until the tapline peer is back");
            again = true;
            if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(10)) {
                backoff = 1;
            }
            if (endpoint.connector()) {
                log.info("reconnecting in " + backoff + " s");
                if (pause(backoff)) {
                    return new End(End.Outcome.STOPPED, "stopped", true);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_SECONDS);
            }
        }
    }

    /** Sleeps; true when stopped meanwhile. */
    private boolean pause(int seconds) {
        try {
            return stopped.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // done with it
        }
    }
}
