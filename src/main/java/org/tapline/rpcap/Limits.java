package org.tapline.rpcap;

import java.time.Duration;

/**
 * How much of the daemon strangers may hold (command line only), in the spirit of sshd's
 * MaxStartups, PerSourceMaxStartups and MaxSessions (sshd_config(5)). A connection counts as
 * pre-auth from accept until its login succeeds, then as a session until it ends; an address is
 * an IPv4 address or an IPv6 /64 (one subscriber's usual share, where sshd's
 * PerSourceNetBlockSize would count each of its 2^64 addresses apart).
 *
 * @param preAuth            connections not yet logged in, in all
 * @param preAuthPerHost     of those, from one address
 * @param sessions           logged-in sessions, in all
 * @param sessionsPerHost    of those, from one address
 * @param captures           captures running, in all (one per session at most)
 * @param messageDeadline    after login, how long a request may take from its first byte to its last
 */
public record Limits(int preAuth, int preAuthPerHost, int sessions, int sessionsPerHost, int captures, Duration messageDeadline) {
    public static final Limits DEFAULT = new Limits(64, 8, 32, 8, 16, Duration.ofSeconds(30));

    public Limits {
        if (preAuth < 1 || preAuthPerHost < 1 || sessions < 1 || sessionsPerHost < 1 || captures < 1) {
            throw new IllegalArgumentException("every connection, session and capture limit must be at least 1");
        }
    }
}
