package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Big-endian field access for the TCP codecs of this package, and the option kinds (RFC 9293 §3.2, RFC 7323, RFC 2018). */
final class Wire {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final int OPT_END = 0;
    static final int OPT_NOP = 1;
    static final int OPT_MSS = 2;
    static final int OPT_WSCALE = 3;
    static final int OPT_SACK_OK = 4;
    static final int OPT_SACK = 5;
    static final int OPT_TIMESTAMP = 8;
    static final int LEN_MSS = 4;
    static final int LEN_WSCALE = 3;
    static final int LEN_SACK_OK = 2;
    static final int LEN_TIMESTAMP = 10;
    static final int SACK_BLOCK = 8;

    /** Header field offsets (RFC 9293 §3.1). */
    static final int SRC_PORT = 0;
    static final int DST_PORT = 2;
    static final int SEQ = 4;
    static final int ACK = 8;
    static final int OFFSET = 12;
    static final int FLAGS = 13;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT = 18;
    static final int HEADER = 20;
    static final int MAX_HEADER = 60;

    private Wire() {}

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    static int u16(MemorySegment s, long off) {
        return s.get(U16, off) & 0xffff;
    }

    static long u32(MemorySegment s, long off) {
        return s.get(U32, off) & 0xffff_ffffL;
    }

    static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    static void put16(MemorySegment s, long off, int v) {
        s.set(U16, off, (short) v);
    }

    static void put32(MemorySegment s, long off, long v) {
        s.set(U32, off, (int) v);
    }
}
