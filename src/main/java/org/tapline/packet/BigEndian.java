package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-byte-order (big-endian) field access shared by every view and record of this package,
 * plus the one bounds rule all views use.
 *
 * <p>All reads are unsigned and unaligned: network headers are packed and a capture buffer
 * gives no alignment guarantee.
 */
final class BigEndian {
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private BigEndian() {}

    static int u8(MemorySegment seg, long off) {
        return seg.get(U8, off) & 0xff;
    }

    static int u16(MemorySegment seg, long off) {
        return seg.get(U16, off) & 0xffff;
    }

    static long u32(MemorySegment seg, long off) {
        return seg.get(U32, off) & 0xffff_ffffL;
    }

    static int s32(MemorySegment seg, long off) {
        return seg.get(U32, off);
    }

    static long s64(MemorySegment seg, long off) {
        return seg.get(U64, off);
    }

    /** Reads a 48-bit MAC address into the low bits of a long. */
    static long u48(MemorySegment seg, long off) {
        return ((long) u16(seg, off) << 32) | u32(seg, off + 2);
    }

    static void put8(MemorySegment seg, long off, int value) {
        seg.set(U8, off, (byte) value);
    }

    static void put16(MemorySegment seg, long off, int value) {
        seg.set(U16, off, (short) value);
    }

    static void put32(MemorySegment seg, long off, long value) {
        seg.set(U32, off, (int) value);
    }

    static void put48(MemorySegment seg, long off, long value) {
        put16(seg, off, (int) (value >>> 32));
        put32(seg, off + 2, value);
    }

    static void put64(MemorySegment seg, long off, long value) {
        seg.set(U64, off, value);
    }

    /**
     * The bytes a view at {@code off} claiming {@code len} bytes may really touch: {@code len}
     * cut to the end of the segment, or -1 when {@code off}/{@code len} are out of range.
     * Every view factory starts here, so no accessor reads past the bytes present.
     */
    static long available(MemorySegment seg, long off, long len) {
        if (seg == null || off < 0 || len < 0 || off > seg.byteSize()) {
            return -1;
        }
        return Math.min(len, seg.byteSize() - off);
    }
}
