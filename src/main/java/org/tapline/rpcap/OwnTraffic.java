package org.tapline.rpcap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.tapline.os.BpfFilter;
import org.tapline.os.SocketTable;

/**
 * Every connection of this daemon, as a filter that a capture uses to leave them out: the
 * listening ports (which cover every control connection accepted on them, whoever's session it
 * is), data listeners and data connections, active-mode connections. Built from the sockets
 * the process holds ({@link SocketTable#ours}), so nothing has to register. Addresses are
 * written without an IPv6 scope, which libpcap's filter language does not have (pcap-filter(7)).
 */
final class OwnTraffic {
    private OwnTraffic() {}

    /** The filter expression for {@code ours}; empty when there is no socket. */
    static String expression(List<SocketTable.Entry> ours) {
        List<SocketTable.Entry> listeners = ours.stream().filter(SocketTable.Entry::listening).toList();
        Set<String> terms = new LinkedHashSet<>();
        for (SocketTable.Entry l : listeners) {
            terms.add(term("tcp", l.local()));
        }
        for (SocketTable.Entry e : ours) {
            if (e.local().getPort() == 0 || e.listening() || e.tcp() && listeners.stream().anyMatch(l -> covers(l.local(), e.local()))) {
                continue;
            }
            terms.add(term(e.tcp() ? "tcp" : "udp", e.local()));
        }
        return String.join(" or ", terms);
    }

    /** The last scan: DataChannel.OPENED and System.nanoTime() when it was made, and its expression. */
    private record Scan(long opened, long at, String expression) {}

    /** How old a scan may be before every capture's once-a-second renewal makes a new one. */
    private static final long SCAN_NANOS = 900_000_000L;
    /** Shared by every capture, so the daemon reads /proc once a second, not once per capture. Guarded by OwnTraffic.class. */
    private static Scan last;

    /**
     * The expression for the sockets this process holds now (a scan at most a second old, and
     * none older than the last data socket opened); an IOException when there is none or /proc
     * cannot be read.
     */
    static synchronized String current() throws IOException {
        long opened = DataChannel.OPENED.get();
        long now = System.nanoTime();
        if (last != null && last.opened() == opened && now - last.at() < SCAN_NANOS) {
            return last.expression();
        }
        String e = expression(SocketTable.ours());
        if (e.isEmpty()) {
            throw new IOException("cannot leave the daemon's own connections out of the capture: none found in /proc/thread-self/net");
        }
        last = new Scan(opened, now, e);
        return e;
    }

    /**
     * {@code expression} compiled for a link, or null when the link carries no IP (nothing of ours
     * can appear on it). An exclusion that cannot be built is an IOException: the capture must not run.
     */
    static BpfFilter compile(String expression, int linkType, int snaplen) throws IOException {
        try {
            return BpfFilter.compile(linkType, snaplen, expression);
        } catch (IOException notExpressible) {
            if (!carriesIp(linkType, snaplen)) {
                return null;
            }
            throw new IOException("cannot leave the daemon's own connections out of the capture: " + notExpressible.getMessage(),
                    notExpressible);
        }
    }

    private static boolean carriesIp(int linkType, int snaplen) {
        try (BpfFilter ip = BpfFilter.compile(linkType, snaplen, "ip or ip6")) {
            return ip != null;
        } catch (IOException noIp) {
            return false;
        }
    }

    private static boolean covers(InetSocketAddress listener, InetSocketAddress local) {
        return listener.getPort() == local.getPort()
                && (listener.getAddress().isAnyLocalAddress() || listener.getAddress().equals(local.getAddress()));
    }

    /** A wildcard socket is its port on any address; any other is its address and port, either way. */
    private static String term(String proto, InetSocketAddress a) {
        int port = a.getPort();
        if (a.getAddress().isAnyLocalAddress()) {
            return "(" + proto + " port " + port + ")";
        }
        String host;
        try {
            host = AddressText.of(InetAddress.getByAddress(a.getAddress().getAddress())); // the same address, without its scope
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        return "(" + proto + " and ((src host " + host + " and src port " + port + ") or (dst host " + host + " and dst port " + port
                + ")))";
    }
}
