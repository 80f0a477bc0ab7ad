package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 1191 estimates per destination: lowered only, plateaus, a floor of 552 that locks, expiry, a bound. */
class Ipv4PathMtuTest {
    private final Ipv4PathMtu p = new Ipv4PathMtu();
    private final IpAddress a = IpAddress.parse("192.0.2.1");

    @Test
    void lowersNeverRaises() {
        assertEquals(1400, p.update(a, 1400, 1500, 1500, 0));
        assertEquals(-1, p.update(a, 1450, 1500, 1500, 0));
        assertEquals(1280, p.update(a, 1280, 1400, 1500, 0));
        assertEquals(1280, p.get(a, 1500));
        assertEquals(1000, p.get(a, 1000), "never above the link");
    }

    @Test
    void theFloorLocksOnceAndTheLockIsKept() {
        assertEquals(552, p.update(a, 68, 1500, 1500, 0));
        assertTrue(p.locked(a));
        assertEquals(-1, p.update(a, 100, 552, 1500, 0));
        assertTrue(p.locked(a));
        assertFalse(p.locked(IpAddress.parse("192.0.2.2")));
    }

    @Test
    void plateausForOldRouters() {
        assertEquals(1492, p.update(a, 0, 1500, 1500, 0));
        assertEquals(1006, p.update(a, 0, 1492, 1500, 0));
        assertEquals(552, p.update(a, 0, 1006, 1500, 0), "508 is below the floor");
    }

    @Test
    void boundedAndExpiring() {
        for (int i = 0; i < 2 * Ipv4PathMtu.MAX_ENTRIES; i++) {
            p.update(IpAddress.v4(0x0a000000 + i), 1400, 1500, 1500, i);
        }
        assertEquals(Ipv4PathMtu.MAX_ENTRIES, p.size());
        assertEquals(1500, p.get(IpAddress.v4(0x0a000000), 1500), "the oldest went first");
        assertEquals(Ipv4PathMtu.MAX_ENTRIES + Ipv4PathMtu.EXPIRES_NANOS, p.nextDeadline());
        p.expire(2L * Ipv4PathMtu.MAX_ENTRIES + Ipv4PathMtu.EXPIRES_NANOS);
        assertEquals(0, p.size());
    }
}
