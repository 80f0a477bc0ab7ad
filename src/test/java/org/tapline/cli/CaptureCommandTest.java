package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

@ExtendWith(LabExtension.class)
class CaptureCommandTest {

    private static String[] pair(Lab lab) throws Exception {
        return lab.twoHosts("ca", "cb", "10.82.0");
    }

    /** Starts the capture, then pings until it has ended (its start-up time is unknown). */
    private static Cli captureWhilePinging(Lab lab, String[] ns, String... args) throws Exception {
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run(args));
        Process ping = lab.start(ns[0], "ping", "-i", "0.2", "10.82.0.2");
        try {
            return capture.get(30, TimeUnit.SECONDS);
        } finally {
            ping.destroy();
        }
    }

    @Test
    void printsOneLinePerPacketAndStatsAtTheEnd(Lab lab) throws Exception {
        String[] ns = pair(lab);
        Cli r = captureWhilePinging(lab, ns, "capture", "-i", "veth-b", "-c", "4", "icmp");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        for (String l : lines) {
            assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP 10\\.82\\.0\\.[12] > 10\\.82\\.0\\.[12]: ICMP echo (request|reply).*"), l);
        }
        assertTrue(r.err().contains("tapline: 4 packets captured"), r.err());
        assertTrue(r.err().contains("dropped by kernel") && r.err().contains("dropped by interface"), r.err());
    }

    @Test
    void writesPcapThatTcpdumpReadsBack(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = pair(lab);
        for (String format : List.of("pcap", "pcapng")) {
            Path f = dir.resolve("out." + format);
            String[] args = format.equals("pcap")
                    ? new String[] {"capture", "-i", "veth-b", "-c", "5", "-w", f.toString(), "icmp"}
                    : new String[] {"capture", "-i", "veth-b", "-c", "5", "--pcapng", "-w", f.toString(), "icmp"};
            Cli r = captureWhilePinging(lab, ns, args);
            assertEquals(0, r.exit(), r.err());
            String text = Lab.exec(List.of("tcpdump", "-n", "-r", f.toString()));
            assertEquals(5, text.lines().filter(l -> l.contains("ICMP echo")).count(), text);
            // And we read our own file back the same way.
            Cli back = Cli.run("capture", "-r", f.toString());
            assertEquals(5, back.out().lines().filter(l -> l.contains("ICMP echo")).count(), back.out());
        }
    }

    @Test
    void ctrlCEndsTheCaptureWithTheStatsLine(Lab lab) throws Exception {
        String ns = lab.netns("sigint");
        Process p = lab.start(ns, org.tapline.lab.TestJvm.command(org.tapline.lab.TestJvm.classPath(), List.of(),
                "capture", "-i", "lo").toArray(new String[0]));
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()));
        String first = err.readLine();
        assertTrue(first != null && first.startsWith("tapline: listening on lo"), String.valueOf(first));
        lab.run(ns, "ping", "-c", "2", "-i", "0.2", "127.0.0.1");
        Lab.exec(List.of("kill", "-INT", String.valueOf(p.pid())));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "capture ended on SIGINT");
        String last = err.readLine();
        assertTrue(last != null && last.matches("tapline: \\d+ packets captured, .* dropped by interface"), String.valueOf(last));
        assertEquals(4, new String(p.getInputStream().readAllBytes()).lines().filter(l -> l.contains("ICMP echo")).count());
        assertEquals(0, p.exitValue());
    }

    @Test
    void readsAFileThroughAFilter(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mixed.pcap");
        // Two frames made by text2pcap: an ARP request and an ICMP echo request.
        Path hex = dir.resolve("mixed.txt");
        Files.writeString(hex, """
                0000  ff ff ff ff ff ff 02 00 00 00 00 01 08 06 00 01
                0010  08 00 06 04 00 01 02 00 00 00 00 01 0a 00 00 01
                0020  00 00 00 00 00 00 0a 00 00 02
                0000  02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00
                0010  00 1c 00 01 00 00 40 01 66 dc 0a 00 00 01 0a 00
                0020  00 02 08 00 f7 fe 00 01 00 00
                """, StandardCharsets.US_ASCII);
        Lab.exec(List.of("text2pcap", "-q", hex.toString(), f.toString()));
        Cli all = Cli.run("capture", "-r", f.toString());
        assertEquals(2, all.out().lines().count(), all.out() + all.err());
        Cli icmp = Cli.run("capture", "-r", f.toString(), "icmp");
        assertEquals(1, icmp.out().lines().count(), icmp.out());
        assertTrue(icmp.out().contains("ICMP echo request"), icmp.out());
    }

    @Test
    void badInputGivesOneClearLine(Lab lab, @TempDir Path dir) throws Exception {
        String ns = lab.netns("bad");
        Cli noDev = lab.inNetns(ns, () -> Cli.run("capture", "-i", "tl-nosuch0", "-c", "1"));
        assertTrue(noDev.oneLineError(), noDev.err());
        assertTrue(noDev.err().contains("tl-nosuch0"), noDev.err());

        Cli badFilter = lab.inNetns(ns, () -> Cli.run("capture", "-i", "lo", "-c", "1", "tcp port banana"));
        assertTrue(badFilter.oneLineError(), badFilter.err());
        assertTrue(badFilter.err().contains("banana"), badFilter.err());

        Cli missing = Cli.run("capture", "-r", dir.resolve("nope.pcap").toString());
        assertTrue(missing.oneLineError(), missing.err());
        assertTrue(missing.err().contains("nope.pcap"), missing.err());

        Path garbage = dir.resolve("garbage.pcap");
        Files.write(garbage, "this is not a capture file".getBytes(StandardCharsets.US_ASCII));
        Cli notPcap = Cli.run("capture", "-r", garbage.toString());
        assertTrue(notPcap.oneLineError(), notPcap.err());

        Path truncated = dir.resolve("truncated.pcap");
        byte[] whole = Files.readAllBytes(writeSample(dir));
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 10));
        Cli cut = Cli.run("capture", "-r", truncated.toString());
        assertTrue(cut.oneLineError(), cut.err());
        assertTrue(cut.err().contains("truncated"), cut.err());
    }

    private static Path writeSample(Path dir) throws Exception {
        Path hex = dir.resolve("one.txt");
        Files.writeString(hex, "0000  ff ff ff ff ff ff 02 00 00 00 00 01 88 b5 00 01 02 03 04 05 06 07\n");
        Path f = dir.resolve("one.pcap");
        Lab.exec(List.of("text2pcap", "-q", hex.toString(), f.toString()));
        return f;
    }
}
