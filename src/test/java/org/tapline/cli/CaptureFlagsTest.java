package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** tcpdump's flags in capture (-D, -L, -y, -Q, -c, -C, -W, -G, --debug) and its words for bad values and files, next to tcpdump itself. */
@ExtendWith(LabExtension.class)
class CaptureFlagsTest {
    private static final int USAGE = 2;

    /** Runs tcpdump and returns what it printed on both streams, whatever its exit status. */
    private static String tcpdump(String ns, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns, "tcpdump"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    /** Runs the capture in ns[1] while ns[0] pings {@code target} every 0.1 s. */
    private static Cli captureWhilePinging(Lab lab, String[] ns, String target, String... args) throws Exception {
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run(args));
        Process ping = lab.start(ns[0], "ping", "-i", "0.1", target);
        try {
            return capture.get(30, TimeUnit.SECONDS);
        } finally {
            ping.destroy();
        }
    }

    @Test
    void badValuesGetTcpdumpsWordsAndAUsageExit() {
        String[][] cases = {
                {"-c", "-5", "invalid packet count -5"}, {"-c", "abc", "invalid packet count abc"}, {"-c", "0", "invalid packet count 0"},
                {"-C", "0", "invalid file size 0"}, {"-C", "abc", "invalid file size abc"},
                {"-C", "99999999999999", "file size 99999999999999 is too large"},
                {"-W", "0", "invalid number of output files 0"}, {"-G", "-1", "invalid number of seconds -1"},
                {"-Q", "sideways", "unknown capture direction `sideways'"}, {"-y", "NOSUCHTYPE", "invalid data link type NOSUCHTYPE"},
        };
        for (String[] c : cases) {
            Cli r = Cli.run("capture", c[0], c[1], "-i", "lo");
            assertEquals(USAGE, r.exit(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[2]), r.err());
        }
    }

    @Test
    void fileErrorsSayThePathAndTheReasonAsTcpdumpDoes(Lab lab, @TempDir Path dir) throws Exception {
        String ns = lab.netns("ferr");
        Path missing = dir.resolve("nonexistent.pcap");
        Cli r = Cli.run("capture", "-r", missing.toString());
        assertTrue(r.oneLineError(), r.err());
        assertEquals(tcpdump(ns, "-r", missing.toString()).strip().replace("tcpdump: ", "tapline: "), r.err().strip());

        Path unwritable = dir.resolve("no/such/dir/x.pcap");
        Path sample = SampleCapture.echoRequests(dir.resolve("two.pcap"), 2, 42);
        Cli w = Cli.run("capture", "-r", sample.toString(), "-w", unwritable.toString());
        assertTrue(w.oneLineError(), w.err());
        String theirs = tcpdump(ns, "-r", sample.toString(), "-w", unwritable.toString()).strip();
        assertEquals(theirs.substring(theirs.lastIndexOf('\n') + 1).replace("tcpdump: ", "tapline: "), w.err().strip());

        Cli d = Cli.run("capture", "-r", dir.toString());
        assertTrue(d.oneLineError(), d.err());
        assertEquals("tapline: " + dir + ": Is a directory", d.err().strip());
    }

    @Test
    void debugIsTheStackTraceSwitchAndDashDListsInterfaces(Lab lab, @TempDir Path dir) throws Exception {
        Cli plain = Cli.run("capture", "-r", dir.resolve("nope.pcap").toString());
        assertTrue(plain.oneLineError(), plain.err());
        Cli traced = Cli.run("capture", "--debug", "-r", dir.resolve("nope.pcap").toString());
        assertTrue(traced.err().contains("\tat org.tapline."), traced.err());
        for (String job : List.of("list", "send")) {
            Cli old = Cli.run(job, "-D");
            assertEquals(USAGE, old.exit(), job + " -D: " + old.err());
        }

        String ns = lab.netns("dlist");
        lab.veth(ns, "tl-d0", ns, "tl-d1");
        Cli list = lab.inNetns(ns, () -> Cli.run("capture", "-D"));
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(".tl-d0 [Up, Running, Connected]"), list.out());
        assertEquals(tcpdump(ns, "-D"), list.out());
    }

    @Test
    void linkTypesAreListedAndChosenAsTcpdumpDoes(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("ya", "yb", "10.83.0");
        for (String dev : List.of("veth-b", "lo")) {
            Cli l = lab.inNetns(ns[1], () -> Cli.run("capture", "-L", "-i", dev));
            assertEquals(0, l.exit(), l.err());
            assertEquals(tcpdump(ns[1], "-L", "-i", dev), l.out());
        }
        Cli veth = lab.inNetns(ns[1], () -> Cli.run("capture", "-L", "-i", "veth-b"));
        assertEquals("Data link types for veth-b (use option -y to set):\n  EN10MB (Ethernet)\n  DOCSIS (DOCSIS) (printing not supported)\n", veth.out());

        Path f = dir.resolve("docsis.pcap");
        Cli r = captureWhilePinging(lab, ns, "10.83.0.2", "capture", "-i", "veth-b", "-y", "docsis", "-c", "2", "-w", f.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("tapline: data link type DOCSIS\n"), r.err());
        assertTrue(r.err().contains("link-type DOCSIS"), r.err());
        assertTrue(tcpdump(ns[1], "-r", f.toString()).contains("link-type DOCSIS (DOCSIS)"));

        Cli refused = lab.inNetns(ns[1], () -> Cli.run("capture", "-i", "lo", "-y", "DOCSIS", "-c", "1"));
        assertTrue(refused.oneLineError(), refused.err());
        assertEquals("tapline: pcap_set_datalink on lo: DOCSIS is not one of the DLTs supported by this device", refused.err().strip());
    }

    @Test
    void directionKeepsOnlyWhatWasReceivedOrSent(Lab lab) throws Exception {
        String[] ns = lab.twoHosts("qa", "qb", "10.84.0");
        for (String dir : List.of("in", "out", "INOUT")) {
            Cli r = captureWhilePinging(lab, ns, "10.84.0.2", "capture", "-i", "veth-b", "-Q", dir, "-c", "6", "icmp");
            assertEquals(0, r.exit(), r.err());
            long requests = r.out().lines().filter(l -> l.contains("ICMP echo request")).count();
            long replies = r.out().lines().filter(l -> l.contains("ICMP echo reply")).count();
            switch (dir) {
                case "in" -> assertEquals(6, requests, r.out());
                case "out" -> assertEquals(6, replies, r.out());
                default -> assertTrue(requests >= 2 && replies >= 2, r.out());
            }
        }
    }

    @Test
    void aFileGrowsWhileTheCaptureRuns(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("fa", "fb", "10.85.0");
        Path f = dir.resolve("slow.pcap");
        // 60 packets at about 7 a second: the capture runs some 9 s, and its file shows packets long before.
        FutureTask<Cli> capture = lab.startInNetns(ns[1], () -> Cli.run("capture", "-i", "veth-b", "-c", "60", "-w", f.toString(), "icmp"));
        Process ping = lab.start(ns[0], "ping", "-i", "0.3", "10.85.0.2");
        try {
            assertGrowsBeforeTheEnd(f, 60);
            Cli r = capture.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.err());
        } finally {
            ping.destroy();
        }
    }

    /**
     * Waits up to 8 s for {@code f} to hold a few packets, and checks it holds fewer than the
     * capture's {@code count}: the packets were flushed while it ran, not by its end.
     */
    static void assertGrowsBeforeTheEnd(Path f, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        long aFewPackets = 24 + 2 * 98;
        while (System.nanoTime() < deadline && !(Files.exists(f) && Files.size(f) > aFewPackets)) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        String early = Lab.exec(List.of("tcpdump", "-n", "-r", f.toString()));
        long packets = early.lines().filter(l -> l.contains("ICMP echo")).count();
        assertTrue(packets >= 2 && packets < count, packets + " packets in the file after 8 s: " + early);
    }
}
