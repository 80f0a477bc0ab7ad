package org.tapline.rpcap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

import org.tapline.packet.InetFormat;

/**
 * Addresses in daemon and client messages as people write them: {@code 10.0.0.1:2002},
 * {@code [::]:2002}, {@code [fe80::1%eth0]:2002} (RFC 5952 text, RFC 3986 brackets, RFC 6874
 * zone), never Java's {@code /0.0.0.0:2002} or {@code 0:0:0:0:0:0:0:0}.
 */
public final class AddressText {
    private AddressText() {}

    /** {@code host:port}, an IPv6 host in brackets; an unresolved address keeps its name. */
    public static String of(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String host = a.getAddress() == null ? a.getHostString() : of(a.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The address alone: dotted quad, or RFC 5952 IPv6 with its zone ({@code fe80::1%eth0}). */
    public static String of(InetAddress a) {
        if (!(a instanceof Inet6Address v6)) {
            return a.getHostAddress();
        }
        String text = InetFormat.ipv6(java.lang.foreign.MemorySegment.ofArray(v6.getAddress()), 0);
        NetworkInterface nif = v6.getScopedInterface();
        if (nif == null && v6.getScopeId() != 0) {
            // A peer's address comes with the interface index only; people know the interface by name.
            try {
                nif = NetworkInterface.getByIndex(v6.getScopeId());
            } catch (java.net.SocketException e) {
                nif = null;
            }
        }
        if (nif != null) {
            return text + "%" + nif.getName();
        }
        return v6.getScopeId() != 0 ? text + "%" + v6.getScopeId() : text;
    }
}
