package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The time stamps of tcpdump's -t counts (util-print.c ts_print), for three packets. */
class TimestampFormatTest {
    static final long FIRST = 1_700_000_000_123_456_789L;
    static final long[] PACKETS = {FIRST, FIRST + 1_500_000_000L, FIRST + 3_600_000_001_000L};

    static String stamps(int style, ZoneId zone) {
        TimestampFormat f = new TimestampFormat(style, zone);
        StringBuilder sb = new StringBuilder();
        for (long t : PACKETS) {
            f.append(sb, t);
            sb.append('|');
        }
        return sb.toString();
    }

    @Test
    void everyStyle() {
        assertEquals("22:13:20.123456 |22:13:21.623456 |23:13:20.123457 |", stamps(0, ZoneOffset.UTC));
        assertEquals("|||", stamps(1, ZoneOffset.UTC));
        assertEquals("1700000000.123456 |1700000001.623456 |1700003600.123457 |", stamps(2, ZoneOffset.UTC));
        assertEquals(" 00:00:00.000000 | 00:00:01.500000 | 00:59:58.500001 |", stamps(3, ZoneOffset.UTC));
        assertEquals("2023-11-14 22:13:20.123456 |2023-11-14 22:13:21.623456 |2023-11-14 23:13:20.123457 |",
                stamps(4, ZoneOffset.UTC));
        assertEquals(" 00:00:00.000000 | 00:00:01.500000 | 01:00:00.000001 |", stamps(5, ZoneOffset.UTC));
    }

    @Test
    void localTimeIsTheZones() {
        assertEquals("2023-11-15 07:13:20.123456 |2023-11-15 07:13:21.623456 |2023-11-15 08:13:20.123457 |",
                stamps(4, ZoneId.of("Asia/Tokyo")));
    }

    @Test
    void aPacketOlderThanThePreviousOneGetsAMinus() {
        TimestampFormat f = new TimestampFormat(3, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder();
        f.append(sb, FIRST);
        f.append(sb, FIRST - 2_000_000L);
        assertEquals(" 00:00:00.000000 -00:00:00.002000 ", sb.toString());
    }
}
