package org.tapline.rpcap;

/**
 * The daemon's account of sessions, one line per event, as sshd keeps one (with or without
 * -D): a login that succeeded (the session starts), one that failed, and the end of a session
 * with its user, the devices it captured and the packets it sent.
 *
 * <pre>
 * rpcapd: session start: 10.0.0.1:40312, user alice
 * rpcapd: login failed: 10.0.0.1:40312, user mallory, wrong password or unknown user
 * rpcapd: session end: 10.0.0.1:40312, user alice, device eth0, 1200 packets sent
 * </pre>
 *
 * User names come from the wire: they are written without control characters and cut short.
 */
final class SessionLog implements ServerSession.Events {
    /** Longer user names are cut here in the log (a login name is far shorter; the wire allows 65535 bytes). */
    private static final int MAX_NAME = 64;

    private final DaemonLog log;
    private final String peer;
    private final boolean activeMode;
    private boolean started;

    SessionLog(DaemonLog log, String peer, boolean activeMode) {
        this.log = log;
        this.peer = peer;
        this.activeMode = activeMode;
    }

    @Override
    public void loggedIn(String user) {
        started = true;
        log.info("session start: " + peer + ", " + who(user) + (activeMode ? ", active mode" : ""));
    }

    @Override
    public void loginFailed(String user, String reason) {
        log.info("login failed: " + peer + ", " + who(user) + ", " + reason);
    }

    /** The session is over: one line if it had started. */
    void ended(ServerSession s) {
        if (!started) {
            return;
        }
        String devices = s.devicesCaptured().isEmpty() ? "no capture" : "device " + String.join(" ", s.devicesCaptured().stream()
                .map(SessionLog::printable).toList());
        log.info("session end: " + peer + ", " + who(s.user()) + ", " + devices + ", " + s.packetsSent() + " packets sent");
    }

    private static String who(String user) {
        return user == null ? "null authentication" : "user " + printable(user);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_NAME; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > MAX_NAME ? b + "..." : b.toString();
    }
}
