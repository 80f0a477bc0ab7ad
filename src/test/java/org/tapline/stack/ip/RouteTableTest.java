package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static IpAddress a(String s) {
        return IpAddress.parse(s);
    }

    @Test
    void longestPrefixWinsThenLowestMetricAndFamiliesStayApart() {
        RouteTable t = new RouteTable();
        t.add(new RouteTable.Route(a("0.0.0.0"), 0, a("10.0.0.1"), 0, 0, Long.MAX_VALUE));
        t.add(new RouteTable.Route(a("10.0.0.77"), 24, null, 0, 0, Long.MAX_VALUE));
        t.add(new RouteTable.Route(a("10.0.0.128"), 25, a("10.0.0.2"), 0, 5, Long.MAX_VALUE));
        t.add(new RouteTable.Route(a("10.0.0.128"), 25, a("10.0.0.3"), 0, 1, Long.MAX_VALUE));
        assertEquals("10.0.0.0/24 if 0", t.lookup(a("10.0.0.5"), 0).toString());
        assertEquals(a("10.0.0.3"), t.lookup(a("10.0.0.200"), 0).gateway());
        assertEquals("default via 10.0.0.1 if 0", t.lookup(a("192.0.2.9"), 0).toString());
        assertNull(t.lookup(a("2001:db8::1"), 0), "an IPv4 default route is not an IPv6 one");
        t.add(new RouteTable.Route(a("::"), 0, a("fe80::1"), 0, 0, 100));
        assertEquals(a("fe80::1"), t.lookup(a("2001:db8::1"), 99).gateway());
        assertNull(t.lookup(a("2001:db8::1"), 100), "a learned route lapses at its expiry");
        assertEquals(100, t.nextDeadline());
        t.expire(100);
        assertEquals(4, t.routes().size());
    }

    @Test
    void masksClearHostBitsInBothFamilies() {
        assertEquals(a("10.1.0.0"), RouteTable.mask(a("10.1.2.3"), 16));
        assertEquals(a("0.0.0.0"), RouteTable.mask(a("10.1.2.3"), 0));
        assertEquals(a("10.1.2.3"), RouteTable.mask(a("10.1.2.3"), 32));
        assertEquals(a("fd00:1:2::"), RouteTable.mask(a("fd00:1:2:3::9"), 48));
        assertEquals(a("fd00:1:2:3:8000::"), RouteTable.mask(a("fd00:1:2:3:ffff::9"), 65));
        assertEquals(a("::"), RouteTable.mask(a("fd00::9"), 0));
    }
}
