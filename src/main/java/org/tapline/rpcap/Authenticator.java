package org.tapline.rpcap;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.tapline.os.SystemAccounts;

/**
 * Decides RPCAP logins: null authentication only when permitted; passwords against the system
 * accounts (as rpcapd does on Linux) or tapline's credentials file. Failed logins slow down
 * per source address: each failure doubles the wait before that address may try again (1 s to
 * 64 s), and a success clears it. Every credential failure looks the same to the client.
 */
public final class Authenticator {
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(64);
    private static final int TRACKED_ADDRESSES = 4096;

    private final boolean nullAuthPermit;
    private final CredentialsFile credentials;
    private final boolean systemAccounts;
    private final Clock clock;
    /** The wait an address got for its last failure, and until when it waits. */
    private record Penalty(Duration last, Instant until) {}

    /** Guarded by {@code this}; least recently used addresses are forgotten first. */
    private final Map<InetAddress, Penalty> penalties = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Penalty> e) {
            return size() > TRACKED_ADDRESSES;
        }
    };

    public Authenticator(boolean nullAuthPermit, CredentialsFile credentials, boolean systemAccounts, Clock clock) {
        this.nullAuthPermit = nullAuthPermit;
        this.credentials = credentials;
        this.systemAccounts = systemAccounts;
        this.clock = clock;
    }

    public boolean nullAuthPermitted() {
        return nullAuthPermit;
    }

    /** True when the user and password are accepted. */
    public boolean checkPassword(String user, byte[] password) {
        if (credentials != null && credentials.contains(user)) {
            return credentials.check(user, password);
        }
        return systemAccounts && SystemAccounts.check(user, password);
    }

    /** How long {@code peer} must wait before its next login attempt is looked at (zero if none). */
    public synchronized Duration waitFor(InetAddress peer) {
        Penalty p = penalties.get(peer);
        if (p == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(clock.instant(), p.until());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Records a failed login from {@code peer}; returns the wait it now has. */
    public synchronized Duration failed(InetAddress peer) {
        Penalty p = penalties.get(peer);
        Duration next = p == null ? FIRST_DELAY : p.last().multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : p.last().multipliedBy(2);
        penalties.put(peer, new Penalty(next, clock.instant().plus(next)));
        return next;
    }

    public synchronized void succeeded(InetAddress peer) {
        penalties.remove(peer);
    }
}
