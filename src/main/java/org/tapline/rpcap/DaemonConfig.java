package org.tapline.rpcap;

import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * Everything an rpcapd instance runs with. {@code settings} is what the config file can change
 * (SIGHUP); the rest comes from the command line only.
 *
 * @param bindAddress   -b, null for all addresses
 * @param port          -p
 * @param dataPort      -t, 0 for an ephemeral port
 * @param ipv4Only      -4
 * @param tls           -S with -K/-X, or null
 * @param passwords     who may log in with a password (--credentials, --system-users, --system-group)
 * @param authDeadline  how long a connection may take to authenticate
 * @param idleLimit     how long an authenticated session without a capture may stay idle
 * @param limits        caps on pre-auth connections, sessions and captures, and the per-request deadline
 */
public record DaemonConfig(String bindAddress, int port, int dataPort, boolean ipv4Only, DaemonSettings settings,
                           SSLContext tls, Passwords passwords, Duration authDeadline,
                           Duration idleLimit, boolean excludeOwnTraffic, DaemonLog log, Limits limits) {
    /** The reference's RPCAP_TIMEOUT_INIT, applied here to the whole authentication phase. */
    public static final Duration AUTH_DEADLINE = Duration.ofSeconds(90);
    /** The reference's RPCAP_TIMEOUT_RUNTIME. */
    public static final Duration IDLE_LIMIT = Duration.ofSeconds(180);

    public boolean tlsRequired() {
        return tls != null;
    }

    public DaemonConfig withSettings(DaemonSettings s) {
        return new DaemonConfig(bindAddress, port, dataPort, ipv4Only, s, tls, passwords, authDeadline, idleLimit,
                excludeOwnTraffic, log, limits);
    }

    /** The logins of this configuration, slowed and limited by the server's {@code guard}. */
    Authenticator authenticator(LoginGuard guard) {
        return new Authenticator(settings.nullAuthPermit(), passwords, guard);
    }
}
