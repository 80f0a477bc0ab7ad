package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IPv4 address (RFC 791 §3.1) as a 32-bit value.
 *
 * @param bits the address in network order: {@code 10.0.0.1} is {@code 0x0a000001}
 */
public record Ipv4Address(int bits) {
    /** Length of an IPv4 address on the wire. */
    public static final int LENGTH = 4;

    /** Parses a dotted quad without any name lookup; throws IllegalArgumentException. */
    public static Ipv4Address of(String text) {
        if (!(InetAddress.ofLiteral(text) instanceof Inet4Address a)) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        byte[] b = a.getAddress();
        return new Ipv4Address((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
    }

    /** Reads 4 bytes at {@code off}; the caller guarantees they are present. */
    public static Ipv4Address read(MemorySegment seg, long off) {
        return new Ipv4Address(BigEndian.s32(seg, off));
    }

    public void writeTo(MemorySegment seg, long off) {
        BigEndian.put32(seg, off, bits);
    }

    @Override
    public String toString() {
        return InetFormat.ipv4(bits);
    }
}
