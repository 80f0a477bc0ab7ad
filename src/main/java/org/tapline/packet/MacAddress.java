package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * A 48-bit IEEE 802 MAC address held in the low bits of a long.
 *
 * @param bits the address, most significant octet first, in bits 47..0
 */
public record MacAddress(long bits) {
    /** Length of a MAC address on the wire. */
    public static final int LENGTH = 6;
    private static final long MASK = 0xffff_ffff_ffffL;
    /** {@code ff:ff:ff:ff:ff:ff}. */
    public static final MacAddress BROADCAST = new MacAddress(MASK);
    /** {@code 00:00:00:00:00:00}, the "unknown" target of an ARP request (RFC 826). */
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        bits &= MASK;
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -}); throws IllegalArgumentException. */
    public static MacAddress of(String text) {
        String[] parts = text.split("[:-]");
        if (parts.length != LENGTH) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long v = 0;
        for (String p : parts) {
            int b = Integer.parseInt(p, 16);
            if (p.isEmpty() || p.length() > 2 || b < 0) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            v = (v << 8) | b;
        }
        return new MacAddress(v);
    }

    /** Reads 6 bytes at {@code off}; the caller guarantees they are present. */
    public static MacAddress read(MemorySegment seg, long off) {
        return new MacAddress(BigEndian.u48(seg, off));
    }

    public void writeTo(MemorySegment seg, long off) {
        BigEndian.put48(seg, off, bits);
    }

    @Override
    public String toString() {
        return InetFormat.mac(bits);
    }
}
