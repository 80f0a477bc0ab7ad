package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Linux's two buckets: six then one a second per destination; fifty then a thousand a second in all. */
class IcmpRateLimitTest {
    private static final long S = 1_000_000_000L;
    private final IcmpRateLimit limit = new IcmpRateLimit();

    @Test
    void perDestinationBurstThenOneASecondAndRefillUpToTheBurst() {
        IpAddress a = IpAddress.parse("10.0.0.1");
        assertEquals(6, allowed(a, 100, 0));
        assertFalse(limit.allow(a, S - 1));
        assertTrue(limit.allow(a, S));
        assertFalse(limit.allow(a, S));
        assertEquals(6, allowed(a, 100, 3600 * S), "an hour idle refills the burst, no more");
        assertTrue(limit.allow(IpAddress.parse("10.0.0.2"), 3600 * S), "another destination has its own bucket");
    }

    @Test
    void globalBurstOfFiftyThenOneAMillisecond() {
        int sent = 0;
        for (int i = 0; i < 200; i++) {
            sent += limit.allow(IpAddress.v4(0x0a000000 + i), 0) ? 1 : 0;
        }
        assertEquals(IcmpRateLimit.GLOBAL_BURST, sent);
        assertFalse(limit.allow(IpAddress.v4(0x0b000000), 999_999));
        assertTrue(limit.allow(IpAddress.v4(0x0b000001), 1_000_000));
    }

    @Test
    void theTableOfDestinationsIsBounded() {
        IcmpRateLimit fast = new IcmpRateLimit(IcmpRateLimit.HOST_INTERVAL_NANOS, 0);
        for (int i = 0; i < 3 * IcmpRateLimit.MAX_HOSTS; i++) {
            fast.allow(IpAddress.v4(0x0a000000 + i), 0);
        }
        assertTrue(fast.hosts() <= IcmpRateLimit.MAX_HOSTS);
    }

    private int allowed(IpAddress a, int tries, long now) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += limit.allow(a, now) ? 1 : 0;
        }
        return n;
    }
}
