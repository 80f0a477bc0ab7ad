package org.tapline.rpcap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * rpcapd's passive-client allow-list ({@code -l}, {@code PassiveClient}): entries are resolved
 * when a client connects, and the client is let in when its address equals one of the results
 * (same family, same bytes; ports ignored). An empty list lets everyone in.
 */
public final class HostAllowList {
    /** Resolves a host name to its addresses; a seam for tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<String> hosts;
    private final Resolver resolver;

    public HostAllowList(List<String> hosts, Resolver resolver) {
        this.hosts = List.copyOf(hosts);
        this.resolver = resolver;
    }

    public HostAllowList(List<String> hosts) {
        this(hosts, InetAddress::getAllByName);
    }

    /**
     * Null when {@code peer} may connect; otherwise the ERROR 10 (HOSTNOAUTH) text rpcapd sends.
     * A later matching entry wins over an earlier one that did not resolve.
     */
    public String refusal(InetAddress peer) {
        if (hosts.isEmpty()) {
            return null;
        }
        String unresolved = null;
        for (String h : hosts) {
            try {
                for (InetAddress a : resolver.resolve(h)) {
                    if (a.getClass() == peer.getClass() && java.util.Arrays.equals(a.getAddress(), peer.getAddress())) {
                        return null;
                    }
                }
            } catch (UnknownHostException e) {
                if (unresolved == null) {
                    unresolved = h;
                }
            }
        }
        return unresolved != null
                ? "Allowed host list error: host " + unresolved + " could not be resolved at this time"
                : "The host is not in the allowed host list. Connection refused.";
    }
}
