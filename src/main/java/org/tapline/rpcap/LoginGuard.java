package org.tapline.rpcap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What keeps password guessing slow and cheap for the daemon, owned by the server so that it
 * outlives connections and reloads (a new connection per guess, or a SIGHUP, must not reset it).
 *
 * <p>Penalties: each failed login doubles the wait of its source address (1 s to 64 s); a login
 * from an address that still waits is refused before any hashing, and a success clears the wait.
 * IPv6 sources count per /64, the block one host is usually given.
 *
 * <p>Hashing: on {@link #POOL_THREADS} platform threads (a hash is CPU-bound: on virtual threads
 * it would hold the carriers every other session needs), at most {@link #PER_ADDRESS} at a time
 * for one address and {@link #QUEUE} waiting in all; beyond that the login is refused, so one
 * address's parallel guesses cannot queue the logins of others.
 */
final class LoginGuard implements AutoCloseable {
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(64);
    private static final int TRACKED_ADDRESSES = 4096;
    static final int POOL_THREADS = 2;
    static final int PER_ADDRESS = 1;
    static final int QUEUE = 32;

    /** The wait an address got for its last failure, and until when it waits. */
    private record Penalty(Duration last, Instant until) {}

    private final Clock clock;
    /** Guarded by {@code this}; least recently used addresses are forgotten first. */
    private final Map<InetAddress, Penalty> penalties = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Penalty> e) {
            return size() > TRACKED_ADDRESSES;
        }
    };
    /** Hashes queued or running per address; guarded by {@code this}. */
    private final Map<InetAddress, Integer> hashing = new HashMap<>();
    private final ThreadPoolExecutor pool;

    LoginGuard(Clock clock) {
        this.clock = clock;
        this.pool = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().daemon().name("rpcapd-hash-", 0).factory());
    }

    /** The key penalties and limits are counted under: the address, or its /64 for IPv6. */
    static InetAddress source(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            java.util.Arrays.fill(b, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return a;
    }

    /** How long {@code peer} must still wait before a login of its is looked at (zero if none). */
    synchronized Duration waitFor(InetAddress peer) {
        Penalty p = penalties.get(source(peer));
        if (p == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(clock.instant(), p.until());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Records a failed login from {@code peer}; returns the wait it now has. */
    synchronized Duration failed(InetAddress peer) {
        InetAddress key = source(peer);
        Penalty p = penalties.get(key);
        Duration next = p == null ? FIRST_DELAY : p.last().multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : p.last().multipliedBy(2);
        penalties.put(key, new Penalty(next, clock.instant().plus(next)));
        return next;
    }

    synchronized void succeeded(InetAddress peer) {
        penalties.remove(source(peer));
    }

    /**
     * Runs {@code check} on the hashing pool and waits for it. Null, without running it, when
     * {@code peer} has {@link #PER_ADDRESS} hashes under way already or the queue is full.
     */
    Boolean hash(InetAddress peer, Callable<Boolean> check) {
        InetAddress key = source(peer);
        synchronized (this) {
            int n = hashing.getOrDefault(key, 0);
            if (n >= PER_ADDRESS) {
                return null;
            }
            hashing.put(key, n + 1);
        }
        try {
            Future<Boolean> f = pool.submit(check);
            return f.get();
        } catch (RejectedExecutionException e) {
            return null;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            synchronized (this) {
                hashing.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
