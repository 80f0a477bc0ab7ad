package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** if_tsresol and if_tsoffset arithmetic (draft-ietf-opsawg-pcapng §4.2). */
class TimestampScaleTest {
    private static final long S = 1_700_000_000L;
    private static final long NS = 1_000_000_000L;

    @Test
    void powersOfTen() {
        assertEquals(S * NS + 123_456_000L, TimestampScale.MICROS.toNanos(S * 1_000_000 + 123_456));
        assertEquals(S * NS + 123_456_789L, TimestampScale.of(9, 0).toNanos(S * NS + 123_456_789L));
        assertEquals(S * NS, TimestampScale.of(0, 0).toNanos(S));
        // 10^-12: picoseconds, truncated to nanoseconds; the tick count exceeds 2^63 (unsigned).
        long picos = Long.parseUnsignedLong("17000000001234567891");
        assertEquals(17_000_000_001_234_567L, TimestampScale.of(12, 0).toNanos(picos));
        assertNull(TimestampScale.of(19, 0));
    }

    @Test
    void powersOfTwo() {
        assertEquals(S * NS + 500_000_000L, TimestampScale.of(0x80 | 1, 0).toNanos(S << 1 | 1));
        assertEquals(S * NS + 15_625_000L, TimestampScale.of(0x80 | 20, 0).toNanos(S << 20 | 1 << 14));
        // 2^-32 (NTP-style fraction): 0x80000000 is half a second; one tick is 0.23 ns, truncated.
        assertEquals(S * NS + 500_000_000L, TimestampScale.of(0x80 | 32, 0).toNanos(S << 32 | 0x8000_0000L));
        assertEquals(S * NS, TimestampScale.of(0x80 | 32, 0).toNanos(S << 32 | 1));
        // 2^-40 needs the 128-bit product: 3/4 s.
        assertEquals(750_000_000L, TimestampScale.of(0x80 | 40, 0).toNanos(3L << 38));
        assertEquals(S * NS, TimestampScale.of(0x80, 0).toNanos(S));
        assertNull(TimestampScale.of(0x80 | 64, 0));
    }

    @Test
    void offsetIsAddedInSeconds() {
        assertEquals((S + 3600) * NS + 1_000L, TimestampScale.of(6, 3600).toNanos(S * 1_000_000 + 1));
        assertEquals((S - 60) * NS, TimestampScale.of(6, -60).toNanos(S * 1_000_000));
    }
}
