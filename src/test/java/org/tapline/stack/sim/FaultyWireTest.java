package org.tapline.stack.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The wire alone: a hand-moved clock, frames numbered in their first bytes after the Ethernet header. */
class FaultyWireTest {
    private static final long MS = Faults.MS;

    private record Arrival(long time, byte[] frame) {
        int number() {
            return frame[20] & 0xff | (frame[21] & 0xff) << 8;
        }
    }

    private long now;
    private final List<Arrival> arrivals = new ArrayList<>();

    private FaultyWire wire(Faults f, long seed) {
        return new FaultyWire(f, seed, () -> now, (t, frame) -> arrivals.add(new Arrival(t, frame)));
    }

    private static byte[] frame(int number, int length) {
        byte[] b = new byte[length];
        b[20] = (byte) number;
        b[21] = (byte) (number >> 8);
        return b;
    }

    private void send(FaultyWire w, int frames, int length, long gap) {
        for (int i = 0; i < frames; i++) {
            w.send(MemorySegment.ofArray(frame(i, length)));
            now += gap;
        }
    }

    @Test
    void aCleanWireDelaysAndCopies() {
        FaultyWire w = wire(Faults.NONE.withDelay(3 * MS), 1);
        byte[] b = frame(7, 60);
        now = 10;
        w.send(MemorySegment.ofArray(b));
        b[30] = 1; // the sender reuses its buffer: the wire's copy must not change
        assertEquals(1, arrivals.size());
        assertEquals(10 + 3 * MS, arrivals.get(0).time());
        assertArrayEquals(frame(7, 60), arrivals.get(0).frame());
        assertEquals(1, w.delivered);
    }

    @Test
    void dropsAboutTheirShare() {
        FaultyWire w = wire(Faults.NONE.withDrop(0.1), 2);
        send(w, 10_000, 60, 1);
        assertEquals(10_000 - w.dropped, arrivals.size());
        assertTrue(w.dropped > 800 && w.dropped < 1200, w.line());
    }

    @Test
    void duplicatesArriveWithTheOriginal() {
        FaultyWire w = wire(Faults.NONE.withDuplicate(1).withDelay(MS), 3);
        send(w, 5, 60, 10);
        assertEquals(10, arrivals.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, arrivals.get(2 * i).number());
            assertEquals(i, arrivals.get(2 * i + 1).number());
            assertEquals(arrivals.get(2 * i).time(), arrivals.get(2 * i + 1).time());
        }
        assertEquals(5, w.duplicated);
    }

    @Test
    void reorderedFramesAreHeldBack() {
        FaultyWire w = wire(Faults.NONE.withReorder(0.3, 5 * MS).withDelay(MS), 4);
        send(w, 1000, 60, MS / 10);
        for (Arrival a : arrivals) {
            long sentAt = a.number() * (MS / 10);
            long late = a.time() - sentAt - MS;
            assertTrue(late == 0 || late == 5 * MS, "held back by 0 or 5 ms, not " + late);
        }
        assertTrue(w.reordered > 200 && w.reordered < 400, w.line());
        List<Arrival> byTime = new ArrayList<>(arrivals);
        byTime.sort((x, y) -> Long.compare(x.time(), y.time()));
        assertNotEquals(arrivals.stream().map(Arrival::number).toList(), byTime.stream().map(Arrival::number).toList(),
                "later frames overtake the held ones");
    }

    @Test
    void corruptionChangesOneByteAfterTheEthernetHeader() {
        FaultyWire w = wire(Faults.NONE.withCorrupt(1), 5);
        send(w, 200, 100, 1);
        assertEquals(200, w.corrupted);
        for (Arrival a : arrivals) {
            byte[] original = frame(0, 100);
            int diffs = 0;
            for (int i = 0; i < 100; i++) {
                if (i == 20 || i == 21) {
                    continue; // the frame number
                }
                if (a.frame()[i] != original[i]) {
                    diffs++;
                    assertTrue(i >= 14, "byte " + i + " is in the Ethernet header");
                }
            }
            assertTrue(diffs <= 1);
        }
    }

    @Test
    void jitterStaysWithinItsBound() {
        FaultyWire w = wire(Faults.NONE.withDelay(2 * MS).withJitter(MS), 6);
        send(w, 1000, 60, 0);
        long min = arrivals.stream().mapToLong(Arrival::time).min().orElseThrow();
        long max = arrivals.stream().mapToLong(Arrival::time).max().orElseThrow();
        assertTrue(min >= 2 * MS && max <= 3 * MS && max - min > MS / 2, min + ".." + max);
    }

    @Test
    void theRateSerialisesFramesAndTheQueueDropsTheTail() {
        // 1500 bytes at 12 Mbit/s: 1 ms each
        FaultyWire w = wire(Faults.NONE.withDelay(MS).withRate(12_000_000, 0), 7);
        send(w, 10, 1500, 0);
        for (int i = 0; i < 10; i++) {
            assertEquals((i + 2) * MS, arrivals.get(i).time());
        }
        arrivals.clear();
        now = 100 * MS;
        FaultyWire q = wire(Faults.NONE.withRate(12_000_000, 4500), 7);
        send(q, 10, 1500, 0);
        assertEquals(3, arrivals.size(), "three frames fit the 4500-byte queue");
        assertEquals(7, q.queueDrops);
        now += 2 * MS;
        send(q, 1, 1500, 0);
        assertEquals(4, arrivals.size(), "two frames left: room again");
        assertEquals(now + 2 * MS, arrivals.get(3).time());
    }

    @Test
    void theSameSeedGivesTheSameFramesAtTheSameTimes() {
        Faults f = new Faults(0.1, 0.05, 0.1, 3 * MS, 0.05, MS, MS, 50_000_000, 30_000);
        List<String> runs = new ArrayList<>();
        for (long seed : new long[] {42, 42, 43}) {
            arrivals.clear();
            now = 0;
            send(wire(f, seed), 2000, 700, MS / 20);
            StringBuilder trace = new StringBuilder();
            for (Arrival a : arrivals) {
                trace.append(a.time()).append(':').append(java.util.Arrays.hashCode(a.frame())).append(' ');
            }
            runs.add(trace.toString());
        }
        assertEquals(runs.get(0), runs.get(1));
        assertNotEquals(runs.get(0), runs.get(2));
    }

    @Test
    void badParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDrop(1.5));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDelay(-1));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withCorrupt(Double.NaN));
    }
}
