package org.tapline.rpcap;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Decides RPCAP logins: null authentication only when permitted; passwords as {@link Passwords}
 * says, through the server's {@link LoginGuard}: an address that still waits out a penalty is
 * refused before its password is hashed, the hash runs on the guard's pool, and a failure
 * lengthens the address's wait. Every refusal looks the same to the client. One per
 * configuration; the guard is the server's, shared by every configuration it has had.
 */
public final class Authenticator {
    /**
     * How a password login went: accepted, or why not (for the log), and how long the connection
     * pauses after (a hashed failure's wait, so that a retry on the same connection comes after it).
     */
    public record Outcome(boolean accepted, String reason, Duration pause) {}

    private final boolean nullAuthPermit;
    private final Passwords passwords;
    private final LoginGuard guard;

    Authenticator(boolean nullAuthPermit, Passwords passwords, LoginGuard guard) {
        this.nullAuthPermit = nullAuthPermit;
        this.passwords = passwords;
        this.guard = guard;
    }

    public boolean nullAuthPermitted() {
        return nullAuthPermit;
    }

    /** Checks {@code user} and {@code password} (the bytes as sent) from {@code peer}. */
    public Outcome login(InetAddress peer, String user, byte[] password) {
        Duration wait = guard.waitFor(peer);
        if (!wait.isZero()) {
            // No pause here: a refusal costs nothing, and pausing every refused connection would
            // let a fast guesser hold one thread and socket per guess.
            return new Outcome(false, "refused before checking the password: failed logins from this address, next try in "
                    + seconds(wait), Duration.ZERO);
        }
        Boolean ok = guard.hash(peer, () -> passwords.check(user, password));
        if (ok == null) {
            return new Outcome(false, "refused before checking the password: too many logins under way", Duration.ZERO);
        }
        if (!ok) {
            return new Outcome(false, "wrong password or unknown user", guard.failed(peer));
        }
        guard.succeeded(peer);
        return new Outcome(true, null, Duration.ZERO);
    }

    private static String seconds(Duration d) {
        return (d.toMillis() + 999) / 1000 + " s";
    }
}
