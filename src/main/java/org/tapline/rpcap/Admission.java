package org.tapline.rpcap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The daemon's counts of pre-auth connections, sessions and captures, against {@link Limits}.
 * Every control connection holds one {@link Ticket} from accept to close; the ticket moves from
 * pre-auth to session at login and takes a capture slot while a capture runs. Checks happen
 * before any byte is read, so a refused connection costs an accept, one short write and a close.
 *
 * <p>All counts are guarded by {@code this}.
 */
final class Admission {
    /** Why a connection, login or capture was refused: the text is sent to the peer. */
    static final class Full extends Exception {
        Full(String text) {
            super(text, null, false, false);
        }
    }

    private final Limits limits;
    private int preAuth;
    private int sessions;
    private int captures;
    /** Per address: [pre-auth, sessions]; an entry goes when both reach 0. */
    private final Map<String, int[]> perHost = new HashMap<>();

    Admission(Limits limits) {
        this.limits = limits;
    }

    /** A new connection from {@code peer}: a pre-auth ticket, or why not. */
    synchronized Ticket admit(InetAddress peer) throws Full {
        String key = key(peer);
        int[] h = perHost.getOrDefault(key, new int[2]);
        if (preAuth >= limits.preAuth()) {
            throw new Full("Too many connections waiting to authenticate; try again later");
        }
        if (h[0] >= limits.preAuthPerHost()) {
            throw new Full("Too many connections waiting to authenticate from this address; try again later");
        }
        checkSessions(h);
        preAuth++;
        h[0]++;
        perHost.put(key, h);
        return new Ticket(key, true);
    }

    /** A connection the daemon made itself (active mode): no pre-auth slot, as the daemon chose its peer. */
    Ticket dialled(InetAddress peer) {
        return new Ticket(key(peer), false);
    }

    private void checkSessions(int[] h) throws Full {
        if (sessions >= limits.sessions()) {
            throw new Full("Too many sessions; try again later");
        }
        if (h[1] >= limits.sessionsPerHost()) {
            throw new Full("Too many sessions from this address; try again later");
        }
    }

    synchronized int preAuthCount() {
        return preAuth;
    }

    synchronized int sessionCount() {
        return sessions;
    }

    synchronized int captureCount() {
        return captures;
    }

    /** IPv4 addresses count one by one; IPv6 ones by their /64. */
    private static String key(InetAddress a) {
        byte[] b = a.getAddress();
        return HexFormat.of().formatHex(b, 0, a instanceof Inet4Address ? b.length : 8);
    }

    /** One connection's place in the counts. {@link #close} is idempotent and gives everything back. */
    final class Ticket implements AutoCloseable {
        private final String key;
        private boolean preAuthHeld;
        private boolean sessionHeld;
        private boolean captureHeld;

        private Ticket(String key, boolean preAuthHeld) {
            this.key = key;
            this.preAuthHeld = preAuthHeld;
        }

        /** The login succeeded: the pre-auth slot becomes a session slot, or why there is none. */
        void promote() throws Full {
            synchronized (Admission.this) {
                if (sessionHeld) {
                    return;
                }
                int[] h = perHost.computeIfAbsent(key, k -> new int[2]);
                try {
                    checkSessions(h);
                } finally {
                    if (h[0] == 0 && h[1] == 0) {
                        perHost.remove(key);
                    }
                }
                releasePreAuth(h);
                sessions++;
                h[1]++;
                perHost.put(key, h);
                sessionHeld = true;
            }
        }

        /** A capture is about to start: takes a slot, or says why not. */
        void startCapture() throws Full {
            synchronized (Admission.this) {
                if (captureHeld) {
                    return;
                }
                if (captures >= limits.captures()) {
                    throw new Full("Too many captures running (" + limits.captures() + "); try again later");
                }
                captures++;
                captureHeld = true;
            }
        }

        void endCapture() {
            synchronized (Admission.this) {
                if (captureHeld) {
                    captures--;
                    captureHeld = false;
                }
            }
        }

        @Override
        public void close() {
            synchronized (Admission.this) {
                endCapture();
                int[] h = perHost.get(key);
                if (h == null) {
                    return;
                }
                releasePreAuth(h);
                if (sessionHeld) {
                    sessions--;
                    h[1]--;
                    sessionHeld = false;
                }
                if (h[0] == 0 && h[1] == 0) {
                    perHost.remove(key);
                }
            }
        }

        private void releasePreAuth(int[] h) {
            if (preAuthHeld) {
                preAuth--;
                h[0]--;
                preAuthHeld = false;
            }
        }
    }
}
