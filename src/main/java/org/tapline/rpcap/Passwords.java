package org.tapline.rpcap;

import java.util.Set;

import org.tapline.os.SystemAccounts;

/**
 * Which passwords rpcapd accepts: the users of tapline's credentials file, and system accounts
 * only when named ({@code --system-users}) or in a named group ({@code --system-group}). rpcapd
 * accepts every system account and drops to its uid; tapline's one JVM cannot drop privileges
 * per session, so every login captures as the daemon does, and an account that merely has a
 * password (a service account, a nologin one) must not be enough.
 *
 * <p>A check hashes exactly once whoever the user is: a user that is not known (or not allowed,
 * or has a locked password) is hashed against a dummy of the same method and cost, so that the
 * time a reply takes does not tell which user names exist.
 */
public final class Passwords {
    /** The hash functions a check runs, one call per check; a seam for tests that count them. */
    interface Hashes {
        boolean pbkdf2(CredentialsFile.Entry entry, byte[] password);

        boolean crypt(byte[] password, String setting);

        Hashes REAL = new Hashes() {
            @Override
            public boolean pbkdf2(CredentialsFile.Entry entry, byte[] password) {
                return entry.matches(password);
            }

            @Override
            public boolean crypt(byte[] password, String setting) {
                return SystemAccounts.matches(password, setting);
            }
        };
    }

    private final CredentialsFile credentials;
    private final Set<String> systemUsers;
    private final String systemGroup;
    /** What users that cannot log in through crypt are hashed against (libcrypt's default method). */
    private final String dummySetting;
    private final Hashes hashes;

    Passwords(CredentialsFile credentials, Set<String> systemUsers, String systemGroup, Hashes hashes) {
        this.credentials = credentials;
        this.systemUsers = Set.copyOf(systemUsers);
        this.systemGroup = systemGroup;
        this.hashes = hashes;
        this.dummySetting = systemAccounts() ? SystemAccounts.defaultSetting() : null;
    }

    /**
     * @param credentials  tapline's users, or null
     * @param systemUsers  system accounts that may log in by name (empty: none by name)
     * @param systemGroup  a group whose members may log in, or null
     */
    public Passwords(CredentialsFile credentials, Set<String> systemUsers, String systemGroup) {
        this(credentials, systemUsers, systemGroup, Hashes.REAL);
    }

    /** No password logins at all (null authentication only, when permitted). */
    public static Passwords none() {
        return new Passwords(null, Set.of(), null);
    }

    private boolean systemAccounts() {
        return !systemUsers.isEmpty() || systemGroup != null;
    }

    /** True when {@code user} may log in and {@code password} (its bytes as sent) is theirs. One hash, whoever the user. */
    public boolean check(String user, byte[] password) {
        if (credentials != null && credentials.lists(user)) {
            return hashes.pbkdf2(credentials.entry(user), password);
        }
        if (systemAccounts()) {
            // The account is looked up whether or not it is allowed, so that both take as long.
            String stored = SystemAccounts.storedHash(user);
            boolean allowed = systemUsers.contains(user) || systemGroup != null && SystemAccounts.inGroup(user, systemGroup);
            if (stored != null && allowed) {
                return hashes.crypt(password, stored);
            }
        }
        if (credentials != null) {
            hashes.pbkdf2(credentials.entry(user), password);
        } else if (dummySetting != null) {
            hashes.crypt(password, dummySetting);
        }
        return false;
    }
}
