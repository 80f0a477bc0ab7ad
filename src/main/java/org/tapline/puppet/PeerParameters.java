package org.tapline.puppet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The limits on what a puppet's parameters may make the master route into its TAP. A puppet
 * copies its interface's own subnet; a peer asking for far more (128.0.0.0/1, 2000::/3, a default
 * route, dozens of addresses) is steering the master's traffic, not describing an interface, and
 * the session ends with a protocol error. Pure: each check returns what is wrong, or null.
 */
final class PeerParameters {
    /**
     * The shortest IPv4 netmask taken: /8, the largest block ever assigned to one network (a class
     * A; the kernel itself gives an address in 10.0.0.0/8 that mask). Shorter masks cover several
     * such blocks, down to the default route.
     */
    static final int MIN_IPV4_PREFIX = 8;
    /** The shortest IPv6 prefix taken: /48, a whole site's allocation (RFC 6177); shorter ones cover several sites. */
    static final int MIN_IPV6_PREFIX = 48;
    /**
     * IPv6 address records taken per connection: the kernel's own default cap on an interface's
     * autoconfigured addresses (net.ipv6.conf.default.max_addresses = 16).
     */
    static final int MAX_IPV6_ADDRESSES = 16;

    private PeerParameters() {}

    /** An IPv4 netmask: contiguous ones (the kernel's bad_mask() refuses others too), /8 or longer. */
    static String netmaskProblem(Inet4Address mask) {
        int m = java.nio.ByteBuffer.wrap(mask.getAddress()).getInt();
        int prefix = Integer.bitCount(m);
        if (m != 0 && Integer.numberOfTrailingZeros(m) != 32 - prefix) {
            return "netmask " + mask.getHostAddress() + " is not contiguous";
        }
        if (prefix < MIN_IPV4_PREFIX) {
            return "netmask " + mask.getHostAddress() + " (/" + prefix + ") would route more than a subnet into the TAP (at most /"
                    + MIN_IPV4_PREFIX + ")";
        }
        return null;
    }

    /** An IPv4 address or peer address: one a real interface can have (not 0.0.0.0, loopback, multicast or broadcast). */
    static String addressProblem(String what, Inet4Address a) {
        int v = java.nio.ByteBuffer.wrap(a.getAddress()).getInt();
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress() || v == -1) {
            return what + " " + a.getHostAddress() + " is not an interface's address";
        }
        return null;
    }

    /** The {@code count}th IPv6 address record of a connection. */
    static String ipv6Problem(Inet6Address a, int prefixLength, int count) {
        if (count > MAX_IPV6_ADDRESSES) {
            return "more than " + MAX_IPV6_ADDRESSES + " IPv6 addresses";
        }
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress() || a.isLinkLocalAddress() || isMapped(a)) {
            return "IPv6 address " + a.getHostAddress() + " is not an interface's global address";
        }
        if (prefixLength < MIN_IPV6_PREFIX) {
            return "IPv6 address " + a.getHostAddress() + "/" + prefixLength + " would route more than a subnet into the TAP (at most /"
                    + MIN_IPV6_PREFIX + ")";
        }
        return null;
    }

    /** ::ffff:a.b.c.d (Java hands those back as IPv4 addresses, so look at the bytes). */
    private static boolean isMapped(InetAddress a) {
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
