package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/** -C, -W and -G next to tcpdump's own: the same file names, the same packets in each, every file readable by tcpdump -r. */
@ExtendWith(LabExtension.class)
class RotationTest {

    /** Packets per file, by file name with {@code prefix} cut off, as tcpdump -r counts them. */
    private static Map<String, Long> files(Path dir, String prefix) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                String text = Lab.exec(List.of("tcpdump", "-n", "-r", f.toString()));
                out.put(f.getFileName().toString().substring(prefix.length()), text.lines().filter(l -> l.contains("ICMP echo request")).count());
            }
        }
        return out;
    }

    @Test
    void sizeRotationMakesTcpdumpsFiles(@TempDir Path dir) throws Exception {
        // 3 MB of 1000-byte frames: -C 1 makes four files, -W 2 a ring of two.
        Path big = SampleCapture.echoRequests(dir.resolve("big.in"), 3_000, 1000);
        for (List<String> flags : List.of(List.of("-C", "1"), List.of("-C", "1", "-W", "2"), List.of("-C", "1", "-W", "11"))) {
            String tag = String.join("", flags).replace("-", "");
            List<String> ours = new java.util.ArrayList<>(List.of("capture", "-r", big.toString(), "-w", dir.resolve("ours" + tag + ".pcap").toString()));
            ours.addAll(flags);
            Cli r = Cli.run(ours.toArray(new String[0]));
            assertEquals(0, r.exit(), r.err());
            List<String> theirs = new java.util.ArrayList<>(List.of("tcpdump", "-Z", "root", "-r", big.toString(), "-w", dir.resolve("theirs" + tag + ".pcap").toString()));
            theirs.addAll(flags);
            Lab.exec(theirs);
            Map<String, Long> tapline = files(dir, "ours" + tag + ".pcap");
            assertEquals(files(dir, "theirs" + tag + ".pcap"), tapline, flags.toString());
            assertTrue(tapline.size() >= 2, tapline.toString());
        }
        assertEquals(List.of("", "1", "2", "3"), List.copyOf(files(dir, "oursC1.pcap").keySet()));
        assertEquals(List.of("0", "1"), List.copyOf(files(dir, "oursC1W2.pcap").keySet()));
        assertEquals(List.of("00", "01", "02", "03"), List.copyOf(files(dir, "oursC1W11.pcap").keySet()));
    }

    @Test
    void pcapngFilesRotateToo(@TempDir Path dir) throws Exception {
        Path big = SampleCapture.echoRequests(dir.resolve("big.in"), 2_500, 1000);
        Cli r = Cli.run("capture", "-r", big.toString(), "--pcapng", "-w", dir.resolve("ng.pcapng").toString(), "-C", "1");
        assertEquals(0, r.exit(), r.err());
        Map<String, Long> counts = files(dir, "ng.pcapng");
        assertEquals(List.of("", "1", "2"), List.copyOf(counts.keySet()));
        assertEquals(2_500, counts.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void timeRotationNamesFilesByStrftimeAndStopsAfterW(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("ga", "gb", "10.89.0");
        String pattern = dir.resolve("g-%Y%m%d-%H%M%S.pcap").toString();
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run("capture", "-i", "veth-b", "-G", "1", "-W", "2", "-w", pattern, "icmp"));
        Process ping = lab.start(ns[0], "ping", "-i", "0.1", "10.89.0.2");
        Cli r;
        try {
            r = capture.get(30, TimeUnit.SECONDS);
        } finally {
            ping.destroy();
        }
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("tapline: Maximum file limit reached: 2\n"), r.err());
        assertTrue(r.err().matches("(?s).*tapline: \\d+ packets captured, .*"), r.err());
        Map<String, Long> counts = files(dir, "g-");
        assertEquals(2, counts.size(), counts.toString());
        for (String name : counts.keySet()) {
            assertTrue(name.matches("20\\d{6}-\\d{6}\\.pcap"), name);
        }
        // Whole seconds, as tcpdump counts them: the first file may end before a packet came.
        assertTrue(counts.values().stream().mapToLong(Long::longValue).sum() > 0, counts.toString());
    }
}
