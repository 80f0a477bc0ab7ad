package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;
import org.tapline.pcap.Packet;

@ExtendWith(LabExtension.class)
class SendCommandTest {
    private static final int FRAMES = 20;
    private static final long GAP_NANOS = 20_000_000L;

    /** FRAMES broadcast frames of ethertype 0x88b5 carrying their index, GAP_NANOS apart. */
    private static Path file(Path dir, int linkType) throws Exception {
        Path f = dir.resolve("send-" + linkType + ".pcap");
        try (CaptureWriter w = CaptureWriter.open(f, CaptureWriter.Format.PCAP_NS)) {
            int id = w.addInterface(new InterfaceDescription(linkType, 65535, null, null));
            for (int i = 0; i < FRAMES; i++) {
                byte[] b = new byte[60 + i];
                java.util.Arrays.fill(b, 0, 6, (byte) 0xff);
                b[6] = 2;
                b[12] = (byte) 0x88;
                b[13] = (byte) 0xb5;
                b[14] = (byte) i;
                w.write(id, 1_700_000_000_000_000_000L + i * GAP_NANOS, b.length, MemorySegment.ofArray(b));
            }
        }
        return f;
    }

    private static List<Packet> recorded(Lab lab, String[] ns, Path dir, String... sendArgs) throws Exception {
        Path out = dir.resolve("seen.pcap");
        Process dump = lab.start(ns[1], "tcpdump", "-i", "veth-b", "-U", "--immediate-mode", "-w", out.toString(), "ether proto 0x88b5");
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(dump.getErrorStream()));
        assertTrue(String.valueOf(err.readLine()).contains("listening on"));
        Cli r = lab.inNetns(ns[0], () -> Cli.run(sendArgs));
        assertEquals(0, r.exit(), r.err());
        lastErr = r.err();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Packet> got = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            got = read(out);
            if (got.size() >= FRAMES) {
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
        dump.destroy();
        return got;
    }

    private static String lastErr;

    /** Reads what tcpdump has written so far (copies, since a reader's packets are reused). */
    private static List<Packet> read(Path f) throws Exception {
        List<Packet> out = new ArrayList<>();
        if (java.nio.file.Files.size(f) < 24) {
            return out;
        }
        try (CaptureReader r = CaptureReader.open(f)) {
            for (Packet p = r.next(); p != null; p = r.next()) {
                out.add(copy(p));
            }
        } catch (java.io.IOException partial) {
            // tcpdump is still writing its last record
        }
        return out;
    }

    private static Packet copy(Packet p) throws Exception {
        Path t = java.nio.file.Files.createTempFile("tl-one", ".pcap");
        try {
            try (CaptureWriter w = CaptureWriter.open(t, CaptureWriter.Format.PCAP_NS)) {
                w.write(w.addInterface(new InterfaceDescription(p.linkType(), 65535, null, null)), p.timestampNanos(), p.originalLength(), p.data());
            }
            CaptureReader r = CaptureReader.open(t);
            return r.next();
        } finally {
            java.nio.file.Files.deleteIfExists(t);
        }
    }

    @Test
    void framesArriveOnThePeerInOrderAndWithTheirGapsWhenSynchronized(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("sa", "sb", "10.93.0");
        Path f = file(dir, 1);
        List<byte[]> sent = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(f)) {
            for (Packet p = r.next(); p != null; p = r.next()) {
                sent.add(p.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        List<Packet> fast = recorded(lab, ns, dir, "send", "-i", "veth-a", f.toString());
        assertEquals(FRAMES, fast.size());
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals(sent.get(i), fast.get(i).data().toArray(ValueLayout.JAVA_BYTE), "frame " + i);
        }
        assertTrue(lastErr.contains("20 packets (") && lastErr.contains("sent on veth-a"), lastErr);

        List<Packet> synced = recorded(lab, ns, dir, "send", "-i", "veth-a", "--sync", f.toString());
        assertEquals(FRAMES, synced.size());
        // Gaps are measured by the peer's kernel. A late frame makes one gap long and the next short
        // (the pacer catches up), so the median is what the pacing shows: the file's 20 ms, where an
        // unpaced send would give microseconds.
        long[] gaps = new long[FRAMES - 1];
        for (int i = 1; i < FRAMES; i++) {
            gaps[i - 1] = synced.get(i).timestampNanos() - synced.get(i - 1).timestampNanos();
        }
        long[] sorted = gaps.clone();
        java.util.Arrays.sort(sorted);
        long median = sorted[sorted.length / 2];
        assertTrue(Math.abs(median - GAP_NANOS) < 5_000_000L, "median gap " + median + " ns of " + java.util.Arrays.toString(gaps));
        assertTrue(lastErr.contains("timing error: median"), lastErr);
    }

    @Test
    void aSendQueueFilledThroughTheJavaApiIsTransmittedInOrder(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("qa", "qb", "10.97.0");
        Path out = dir.resolve("queue.pcap");
        Process dump = lab.start(ns[1], "tcpdump", "-i", "veth-b", "-U", "--immediate-mode", "-w", out.toString(), "ether proto 0x88b5");
        assertTrue(String.valueOf(new java.io.BufferedReader(new java.io.InputStreamReader(dump.getErrorStream())).readLine())
                .contains("listening on"));
        org.tapline.link.SendQueue.Report report = lab.inNetns(ns[0], () -> {
            try (org.tapline.link.PcapLink link = org.tapline.link.PcapLink.open("veth-a", org.tapline.os.PcapHandle.Options.defaults());
                 org.tapline.link.SendQueue q = new org.tapline.link.SendQueue(1 << 20, 64)) {
                for (int i = 0; i < 10; i++) {
                    byte[] b = new byte[60];
                    java.util.Arrays.fill(b, 0, 6, (byte) 0xff);
                    b[12] = (byte) 0x88;
                    b[13] = (byte) 0xb5;
                    b[14] = (byte) i;
                    assertTrue(q.queue(i * 5_000_000L, MemorySegment.ofArray(b)));
                }
                return q.transmit(link, true, 1.0);
            }
        });
        assertEquals(10, report.packets());
        assertEquals(600, report.bytes());
        assertTrue(report.elapsedNanos() >= 45_000_000L, "synchronized: at least the 45 ms the stamps span");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Packet> got = read(out);
        while (got.size() < 10 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            got = read(out);
        }
        dump.destroy();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got.stream().map(p -> (int) p.data().get(ValueLayout.JAVA_BYTE, 14)).toList());
    }

    @Test
    void aFileOfAnotherLinkTypeIsSentWithAWarning(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("wa", "wb", "10.94.0");
        Path f = file(dir, 101);
        Cli r = lab.inNetns(ns[0], () -> Cli.run("send", "-i", "veth-a", f.toString()));
        assertEquals(0, r.exit(), r.err());
        // libpcap's DLT names, as tcpdump prints them ("link-type EN10MB"), for both.
        assertTrue(r.err().contains(" holds RAW packets but veth-a is EN10MB; sending them anyway"), r.err());
    }

    /**
     * Sent from a script's background ({@code tapline send … & kill -INT $!}) tapline starts with
     * SIGINT ignored; it stops all the same, as tcpreplay does, and SIGTERM too: the summary, exit 0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalEndsTheTransmissionWithTheSummaryAndStatus0(String signal, Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = lab.twoHosts("ga", "gb", "10.95.0");
        Path f = file(dir, 1);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        cmd.addAll(TestJvm.command(TestJvm.classPath(), List.of(), "send", "-i", "veth-a", "--pps", "1000", "--loop", "1000000", f.toString()));
        Process p = lab.start(ns[0], cmd.toArray(String[]::new));
        p.getOutputStream().close();
        // Frames on the peer: the transmission (and its signal handlers) runs.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received(lab, ns[1]) < FRAMES) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "no frames reached veth-b");
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
        Lab.exec(List.of("kill", "-s", signal, String.valueOf(p.pid())));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "send ended on SIG" + signal);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertTrue(err.lines().anyMatch(l -> l.matches("tapline: \\d+ packets \\(\\d+ bytes\\) sent on veth-a in .*")), err);
        assertTrue(err.contains("timing error: median"), err);
    }

    private static long received(Lab lab, String ns) throws Exception {
        return Long.parseLong(lab.run(ns, "cat", "/sys/class/net/veth-b/statistics/rx_packets").trim());
    }

    @Test
    void contradictoryOrMeaninglessPacingIsAUsageError() {
        String[][] cases = {
                {"--pps", "-5"}, {"--pps", "0"}, {"--speed", "2"}, {"--sync", "--pps", "100"}, {"--sync", "--speed", "-1"}, {"--loop", "0"}};
        String[] says = {
                "--pps takes a rate of 1 or more packets per second, not -5", "--pps takes a rate of 1 or more packets per second, not 0",
                "--speed needs --sync", "--sync and --pps exclude each other", "--speed takes a factor above 0, not -1.0", "--loop takes 1 or more"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("send", "-i", "lo"));
            args.addAll(List.of(cases[i]));
            args.add("x.pcap");
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("tapline: " + says[i]), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("Try 'tapline send --help'"), r.err());
        }
    }

    @Test
    void aFileThatCannotBeReadIsNamedWithTheReason(@TempDir Path dir) {
        Cli missing = Cli.run("send", "-i", "lo", dir.resolve("nonexistent.pcap").toString());
        assertTrue(missing.oneLineError(), missing.err());
        assertEquals("tapline: " + dir.resolve("nonexistent.pcap") + ": No such file or directory", missing.err().strip());
        Cli directory = Cli.run("send", "-i", "lo", dir.toString());
        assertTrue(directory.oneLineError(), directory.err());
        assertEquals("tapline: " + dir + ": Is a directory", directory.err().strip());
    }
}
