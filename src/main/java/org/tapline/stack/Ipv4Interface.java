package org.tapline.stack;

import org.tapline.packet.Ipv4Address;

/**
 * One IPv4 address of the stack with its prefix length ("10.0.0.124/24").
 *
 * @param address the address
 * @param prefix  prefix length, 0 to 32
 */
public record Ipv4Interface(Ipv4Address address, int prefix) {
    public Ipv4Interface {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not between 0 and 32");
        }
    }

    /** Parses "A.B.C.D/N" (N defaults to 32). */
    public static Ipv4Interface parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        int prefix;
        try {
            prefix = slash < 0 ? 32 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Ipv4Interface(Ipv4Address.of(addr), prefix);
    }

    public int mask() {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** The directed broadcast address of the subnet (RFC 919, RFC 1122 §3.2.1.3); none for /31 and /32. */
    public boolean isDirectedBroadcast(int ip) {
        return prefix < 31 && ip == (address.bits() | ~mask());
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
