package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InetFormatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 5952 §4.1: leading zeros suppressed
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        // §4.2.2: a single 16-bit 0 field is not shortened
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        // §4.2.3: the longest run is shortened
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        // §4.2.3: on a tie, the first run
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        // §4.3: lower case
        "2001:DB8::AAAA, 2001:db8::aaaa",
        "0:0:0:0:0:0:0:0, ::",
        "::1, ::1",
        "1::, 1::",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1:0:0:4:5:0:0:0, 1:0:0:4:5::",
        "fe80:0:0:0:c448:d0ff:fe09:63f0, fe80::c448:d0ff:fe09:63f0",
        "ff02::1:ff09:63f0, ff02::1:ff09:63f0",
        // §5: IPv4-mapped addresses in mixed notation
        "::ffff:c000:0201, ::ffff:192.0.2.1",
        "::c000:0201, ::192.0.2.1",
        "::1300:0, ::19.0.0.0",
        "::2:0, ::0.2.0.0",
        "::0:1, ::1",
        "0:0:0:0:0:1:c000:201, ::1:c000:201",
    })
    void ipv6IsRfc5952(String in, String expected) {
        assertEquals(expected, Ipv6Address.of(in).toString());
    }

    @Test
    void ipv6FromSegment() {
        var seg = Hex.segment("00ff" + "20010db8000000000000000000000001");
        assertEquals("2001:db8::1", InetFormat.ipv6(seg, 2));
    }

    @Test
    void ipv4AndMacUseUnsignedOctets() {
        assertEquals("255.255.255.255", InetFormat.ipv4(-1));
        assertEquals("10.0.0.1", Ipv4Address.of("10.0.0.1").toString());
        assertEquals(0x0a000001, Ipv4Address.of("10.0.0.1").bits());
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
        assertEquals("02:00:0a:bc:00:01", MacAddress.of("02-00-0A-BC-00-01").toString());
    }

    @Test
    void badTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of("fe80::1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of("example.com"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of("02:00:00:00:00"));
    }
}
