package org.tapline.puppet;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one side (puppet or master) over the connections an {@link Endpoint} gives: one
 * connection for an etherpuppet peer, as etherpuppet does; with a tapline peer, a connection lost
 * without a goodbye is made again (the dialler retries after 1, 2, 4 ... 30 s; the listener waits
 * for the peer), and the master's TAP stays meanwhile. A dialler whose handshake timed out tries
 * again the same way, unless --no-reconnect.
 */
public final class Runner {
    /** One side's work on a connection. */
    public interface Side {
        End run(Greeted connection);

        void stop();
    }

    private static final int MAX_BACKOFF_SECONDS = 30;

    private final Endpoint endpoint;
    private final Handshake handshake;
    private final boolean reconnect;
    private final Side side;
    private final PuppetLog log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Runner(Endpoint endpoint, Handshake handshake, boolean reconnect, Side side, PuppetLog log) {
        this.endpoint = endpoint;
        this.handshake = handshake;
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
            Greeted g = null;
            String retry;
            try {
                g = endpoint.next(handshake);
                retry = null;
            } catch (Handshake.Failed e) {
                if (stopping()) {
                    return new End(End.Outcome.STOPPED, "stopped", again);
                }
                if (e.kind != Handshake.Kind.TIMEOUT || !reconnect || !endpoint.connector()) {
                    return e.end;
                }
                // A listener that stalls our handshake may be busy or stuck: as with a refused connection, try again.
                retry = e.getMessage();
            } catch (IOException e) {
                if (stopping()) {
                    return new End(End.Outcome.STOPPED, "stopped", again);
                }
                if (!again || !endpoint.connector()) {
                    return new End(End.Outcome.FAILED, e.getMessage(), false);
                }
                retry = e.getMessage();
            }
            if (retry != null) {
                log.info(retry + "; trying again in " + backoff + " s");
                if (pause(backoff)) {
                    return new End(End.Outcome.STOPPED, "stopped", true);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_SECONDS);
                continue;
            }
            Socket s = g.socket();
            long started = System.nanoTime();
            End end;
            try {
                end = side.run(g);
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
