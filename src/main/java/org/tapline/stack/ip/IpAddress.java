package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

import org.tapline.packet.Checksum;
import org.tapline.packet.InetFormat;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv6Address;

/**
 * An IPv4 or IPv6 address as the stack keeps it: 128 bits, an IPv4 address in its IPv4-mapped
 * form {@code ::ffff:a.b.c.d} (RFC 4291 §2.5.5.2), so that one type keys sockets and routes of
 * both families.
 *
 * @param hi the first 8 bytes, network order
 * @param lo the last 8 bytes, network order
 */
public record IpAddress(long hi, long lo) {
    private static final long MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    public static final IpAddress ANY_V4 = v4(0);
    public static final IpAddress ANY_V6 = new IpAddress(0, 0);

    /** IPv4 address {@code bits} (network order in an int). */
    public static IpAddress v4(int bits) {
        return new IpAddress(0, MAPPED_PREFIX | (bits & 0xffff_ffffL));
    }

    public static IpAddress of(Ipv4Address a) {
        return v4(a.bits());
    }

    public static IpAddress of(Ipv6Address a) {
        return new IpAddress(a.hi(), a.lo());
    }

    /** Reads an IPv6 address (16 bytes) at {@code off}. */
    public static IpAddress readV6(MemorySegment seg, long off) {
        return of(Ipv6Address.read(seg, off));
    }

    /** Parses a literal of either family without name lookup; throws IllegalArgumentException. */
    public static IpAddress parse(String text) {
        return of(InetAddress.ofLiteral(text));
    }

    public static IpAddress of(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return v4(ByteBuffer.wrap(b).getInt());
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new IpAddress(bb.getLong(), bb.getLong());
    }

    /** Whether this is an IPv4 address (IPv4-mapped form). */
    public boolean isV4() {
        return hi == 0 && (lo & 0xffff_ffff_0000_0000L) == MAPPED_PREFIX;
    }

    /** The IPv4 address bits; only for {@link #isV4()} addresses. */
    public int v4Bits() {
        return (int) lo;
    }

    public Ipv6Address toIpv6() {
        return new Ipv6Address(hi, lo);
    }

    public Ipv4Address toIpv4() {
        return new Ipv4Address(v4Bits());
    }

    public boolean isUnspecified() {
        return isV4() ? v4Bits() == 0 : hi == 0 && lo == 0;
    }

    /** 224.0.0.0/4, 255.255.255.255 (IPv4) or ff00::/8 (IPv6). */
    public boolean isMulticastOrBroadcast() {
        if (isV4()) {
            int b = v4Bits();
            return (b >>> 28) == 0xe || b == -1;
        }
        return (hi >>> 56) == 0xff;
    }

    /** The 16 (IPv6) or 4 (IPv4) bytes written at {@code off}; returns the bytes written. */
    public int writeTo(MemorySegment seg, long off) {
        if (isV4()) {
            toIpv4().writeTo(seg, off);
            return Ipv4Address.LENGTH;
        }
        toIpv6().writeTo(seg, off);
        return Ipv6Address.LENGTH;
    }

    /**
     * The pseudo-header sum (RFC 9293 §3.1, RFC 8200 §8.1) of an upper-layer message of
     * {@code length} bytes from {@code src} to {@code dst}, to start its checksum with.
     */
    public static long pseudoHeaderSum(IpAddress src, IpAddress dst, int protocol, long length) {
        if (src.isV4()) {
            return Checksum.pseudoHeaderV4(src.v4Bits(), dst.v4Bits(), protocol, length);
        }
        return Checksum.pseudoHeaderV6(src.toIpv6(), dst.toIpv6(), protocol, length);
    }

    public InetAddress toInetAddress() {
        ByteBuffer bb = ByteBuffer.allocate(16).putLong(hi).putLong(lo);
        try {
            if (isV4()) {
                return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(v4Bits()).array());
            }
            return Inet6Address.getByAddress(null, bb.array(), null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // lengths are right by construction
        }
    }

    @Override
    public String toString() {
        return isV4() ? toIpv4().toString() : InetFormat.ipv6(hi, lo);
    }
}
