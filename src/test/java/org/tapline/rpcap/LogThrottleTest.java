package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LogThrottleTest {
    @Test
    void oneLinePerIntervalThenTheCountOfWhatWasLeftOut() {
        List<String> out = new ArrayList<>();
        AtomicLong now = new AtomicLong(1_000);
        LogThrottle t = new LogThrottle(out::add, 10, now::get);
        t.log("a");
        for (int i = 0; i < 500; i++) {
            now.addAndGet(0);
            t.log("b");
        }
        now.addAndGet(9);
        t.log("c");
        now.addAndGet(1);
        t.log("d");
        now.addAndGet(10);
        t.log("e");
        assertEquals(List.of("a", "d (501 more like it since the last such line)", "e"), out);
    }
}
