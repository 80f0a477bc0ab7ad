package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class WatchdogTest {
    @Test
    void firesOnceAtTheDeadlineUnlessDisarmedBefore() throws Exception {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        try {
            CountDownLatch cut = new CountDownLatch(1);
            Watchdog w = new Watchdog(timer, cut::countDown);
            w.arm(Duration.ofDays(1));
            assertTrue(w.disarm(), "disarmed before its deadline");
            w.arm(Duration.ofMillis(50));
            assertTrue(cut.await(10, TimeUnit.SECONDS), "cut at the deadline");
            assertTrue(w.fired());
            assertFalse(w.disarm(), "too late to disarm");
            w.arm(Duration.ofMillis(1));
            assertTrue(w.fired(), "a fired watchdog stays fired");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aDisarmedDeadlineNeverCuts() throws Exception {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        try {
            CountDownLatch cut = new CountDownLatch(1);
            Watchdog w = new Watchdog(timer, cut::countDown);
            w.arm(Duration.ofMillis(100));
            assertTrue(w.disarm());
            // A later task on the same timer runs after the cancelled one's time: the cut had its chance.
            CountDownLatch later = new CountDownLatch(1);
            timer.schedule(later::countDown, 300, TimeUnit.MILLISECONDS);
            assertTrue(later.await(10, TimeUnit.SECONDS));
            assertFalse(w.fired());
            assertTrue(cut.getCount() == 1, "never cut");
        } finally {
            timer.shutdownNow();
        }
    }
}
