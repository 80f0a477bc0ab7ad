package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcpdump's file naming and rotation rules (tcpdump.c MakeFilename, getWflagChars, dump_packet_and_trunc), on a clock we move. */
class RotatingWriterTest {
    private static final MemorySegment FRAME = MemorySegment.ofArray(new byte[1000]);
    private static final long START = 1_800_000_000L;

    private final AtomicLong seconds = new AtomicLong(START);

    @Test
    void numbersArePaddedToTheWidthOfWMinusOne() {
        int[][] widths = {{1, 0}, {2, 1}, {10, 1}, {11, 2}, {100, 2}, {101, 3}};
        for (int[] w : widths) {
            assertEquals(w[1], RotatingWriter.digits(w[0]), "-W " + w[0]);
        }
        ZonedDateTime t = ZonedDateTime.of(2027, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
        assertEquals("f", RotatingWriter.fileName("f", false, t, 0, 0));
        assertEquals("f3", RotatingWriter.fileName("f", false, t, 3, 0));
        assertEquals("f0", RotatingWriter.fileName("f", false, t, 0, 1));
        assertEquals("f07", RotatingWriter.fileName("f", false, t, 7, 2));
        assertEquals("f-%H", RotatingWriter.fileName("f-%H", false, t, 0, 0));
        assertEquals("f-030405.pcap12", RotatingWriter.fileName("f-%H%M%S.pcap", true, t, 12, 1));
    }

    private RotatingWriter writer(Path dir, String name, long bytes, int files, long secs) throws Exception {
        RotatingWriter w = new RotatingWriter(dir.resolve(name).toString(), CaptureWriter.Format.PCAP, false,
                new RotatingWriter.Rotation(bytes, files, secs), () -> Instant.ofEpochSecond(seconds.get()), ZoneOffset.UTC);
        w.addInterface(new InterfaceDescription(1, 262144, null, null));
        return w;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void sizeRotationWithoutWCountsUpAndWithWGoesRound(@TempDir Path dir) throws Exception {
        try (RotatingWriter w = writer(dir, "a", 2500, 0, 0)) {
            for (int i = 0; i < 10; i++) {
                w.write(0, START * 1_000_000_000L, 1000, FRAME);
            }
        }
        // 24 + 3 x 1016 > 2500: each file takes three packets before the next one goes on.
        assertEquals(List.of("a", "a1", "a2", "a3"), names(dir));
        assertEquals(24 + 3 * 1016, Files.size(dir.resolve("a")));
        try (RotatingWriter w = writer(dir, "b", 2500, 3, 0)) {
            for (int i = 0; i < 12; i++) {
                w.write(0, START * 1_000_000_000L, 1000, FRAME);
            }
            assertEquals(dir.resolve("b0"), w.currentFile());
        }
        assertEquals(List.of("a", "a1", "a2", "a3", "b0", "b1", "b2"), names(dir));
        assertEquals(24 + 3 * 1016, Files.size(dir.resolve("b0")));
    }

    @Test
    void timeRotationNamesByStrftimeAndEndsAfterWFiles(@TempDir Path dir) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RotatingWriter w = writer(dir, "t-%H%M%S", 0, 3, 10)) {
            for (int i = 0; i < 3; i++) {
                seen.add(w.currentFile().getFileName().toString());
                w.write(0, START * 1_000_000_000L, 1000, FRAME);
                seconds.addAndGet(9);
                w.write(0, START * 1_000_000_000L, 1000, FRAME);
                seconds.addAndGet(1);
                if (i < 2) {
                    w.write(0, START * 1_000_000_000L, 1000, FRAME);
                }
            }
            assertThrows(RotatingWriter.LimitReachedException.class, () -> w.write(0, START * 1_000_000_000L, 1000, FRAME));
        }
        // 1_800_000_000 is 2027-01-15 08:00:00 UTC.
        assertEquals(List.of("t-080000", "t-080010", "t-080020"), seen);
        assertEquals(seen, names(dir));
        assertEquals(24 + 3 * 1016, Files.size(dir.resolve("t-080010")));
    }

    @Test
    void timeAndSizeTogetherStartEachPeriodAtZero(@TempDir Path dir) throws Exception {
        try (RotatingWriter w = writer(dir, "g-%M%S-", 2500, 10, 60)) {
            for (int i = 0; i < 4; i++) {
                w.write(0, START * 1_000_000_000L, 1000, FRAME);
            }
            seconds.addAndGet(60);
            w.write(0, START * 1_000_000_000L, 1000, FRAME);
        }
        // -W 10 without -C's end: the count is padded to one digit and restarts with each period.
        assertEquals(List.of("g-0000-0", "g-0000-1", "g-0100-0"), names(dir));
    }
}
