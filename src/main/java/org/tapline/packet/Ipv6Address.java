package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * An IPv6 address (RFC 8200 §3, RFC 4291) as two 64-bit halves.
 *
 * @param hi the first 8 bytes, network order
 * @param lo the last 8 bytes, network order
 */
public record Ipv6Address(long hi, long lo) {
    /** Length of an IPv6 address on the wire. */
    public static final int LENGTH = 16;

    /** Parses any RFC 4291 §2.2 text form without name lookup; throws IllegalArgumentException. */
    public static Ipv6Address of(String text) {
        InetAddress a = InetAddress.ofLiteral(text);
        byte[] b;
        if (a instanceof Inet6Address v6) {
            b = v6.getAddress();
        } else {
            // ofLiteral folds "::ffff:a.b.c.d" to an Inet4Address; keep it IPv4-mapped.
            b = new byte[LENGTH];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, b, 12, Ipv4Address.LENGTH);
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new Ipv6Address(bb.getLong(), bb.getLong());
    }

    /** Reads 16 bytes at {@code off}; the caller guarantees they are present. */
    public static Ipv6Address read(MemorySegment seg, long off) {
        return new Ipv6Address(BigEndian.s64(seg, off), BigEndian.s64(seg, off + 8));
    }

    public void writeTo(MemorySegment seg, long off) {
        BigEndian.put64(seg, off, hi);
        BigEndian.put64(seg, off + 8, lo);
    }

    @Override
    public String toString() {
        return InetFormat.ipv6(hi, lo);
    }
}
