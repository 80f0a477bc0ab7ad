package org.tapline.stack.ip6;

import org.tapline.stack.ip.IpAddress;

/**
 * One IPv6 address given to the stack with its prefix length ("fd00::124/64"): configured
 * before the stack starts, then checked by DAD like every address (RFC 4862 §5.4).
 *
 * @param address a unicast IPv6 address
 * @param prefix  prefix length, 0 to 128: the prefix is on-link
 */
public record Ipv6Interface(IpAddress address, int prefix) {
    public Ipv6Interface {
        if (prefix < 0 || prefix > 128) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not between 0 and 128");
        }
        if (address.isV4() || address.isUnspecified() || Wire.isMulticast(address)) {
            throw new IllegalArgumentException(address + " is not a unicast IPv6 address");
        }
    }

    /** Parses "ADDR/N" (N defaults to 128); throws IllegalArgumentException. */
    public static Ipv6Interface parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        if (!addr.contains(":")) {
            throw new IllegalArgumentException(addr + " is not an IPv6 address");
        }
        int prefix;
        try {
            prefix = slash < 0 ? 128 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Ipv6Interface(IpAddress.parse(addr), prefix);
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
