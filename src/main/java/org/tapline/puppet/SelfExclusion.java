package org.tapline.puppet;

import java.net.InetAddress;
import java.net.Socket;

/**
 * The traffic the puppet must not forward, as a tcpdump filter: its own connection (default),
 * the SSH connection it runs over (-S, from SSH_CONNECTION), a given one (-M src:sp,dst:dp), or
 * nothing (-B). IPv4 and IPv6 alike.
 */
public final class SelfExclusion {
    private final String a;
    private final String ap;
    private final String b;
    private final String bp;
    private final boolean own;

    private SelfExclusion(String a, String ap, String b, String bp, boolean own) {
        this.a = a;
        this.ap = ap;
        this.b = b;
        this.bp = bp;
        this.own = own;
    }

    public static SelfExclusion none() {
        return new SelfExclusion(null, null, null, null, false);
    }

    public static SelfExclusion ownConnection() {
        return new SelfExclusion(null, null, null, null, true);
    }

    /** SSH_CONNECTION is "client-ip client-port server-ip server-port". */
    public static SelfExclusion ssh(String sshConnection) {
        String[] f = sshConnection == null ? new String[0] : sshConnection.trim().split("\\s+");
        if (f.length != 4) {
            throw new IllegalArgumentException("-S: SSH_CONNECTION is not set to 'ip port ip port' (is this an SSH session?)");
        }
        return new SelfExclusion(address(f[0], "-S"), port(f[1], "-S"), address(f[2], "-S"), port(f[3], "-S"), false);
    }

    /** {@code src:sp,dst:dp}, IPv6 addresses in brackets or bare (the last colon ends the address). */
    public static SelfExclusion manual(String spec) {
        String[] ends = spec.split(",");
        if (ends.length != 2 || ends[0].lastIndexOf(':') < 0 || ends[1].lastIndexOf(':') < 0) {
            throw new IllegalArgumentException("-M takes src:sport,dst:dport, not " + spec);
        }
        int i = ends[0].lastIndexOf(':');
        int j = ends[1].lastIndexOf(':');
        return new SelfExclusion(address(ends[0].substring(0, i), "-M"), port(ends[0].substring(i + 1), "-M"),
                address(ends[1].substring(0, j), "-M"), port(ends[1].substring(j + 1), "-M"), false);
    }

    /** The filter for a connection, or null for none. */
    public String filter(Socket s) {
        if (own) {
            return filter(plain(s.getLocalAddress()), String.valueOf(s.getLocalPort()), plain(s.getInetAddress()), String.valueOf(s.getPort()));
        }
        return a == null ? null : filter(a, ap, b, bp);
    }

    private static String filter(String a, String ap, String b, String bp) {
        return "not (tcp and host " + a + " and host " + b + " and port " + ap + " and port " + bp + ")";
    }

    /** An address as tcpdump writes it (RFC 5952 for IPv6), without a scope. */
    private static String plain(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 ? org.tapline.packet.InetFormat.ipv6(java.lang.foreign.MemorySegment.ofArray(b), 0)
                : a.getHostAddress();
    }

    private static String address(String text, String flag) {
        String t = text.replace("[", "").replace("]", "");
        if (!t.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not an IP address");
        }
        return t;
    }

    private static String port(String text, String flag) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return String.valueOf(p);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(flag + ": '" + text + "' is not a port");
    }
}
