package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/**
 * capture as a process among others, as tcpdump is used: its reader goes away ({@code | head -3},
 * {@code | grep -m1}), or it gets SIGINT; live, from a file, and remote. Each ends with the stats
 * line on stderr and exit status 0.
 */
@ExtendWith(LabExtension.class)
class CapturePipeTest {
    private static final long END_SECONDS = 30;

    /** The tapline command line, quoted for bash. */
    private static String tapline(String... args) {
        return TestJvm.command(TestJvm.classPath(), List.of(), args).stream()
                .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /** Runs {@code pipeline} under bash in {@code ns}; tapline's exit status is appended to stderr as "exit N". */
    private static Cli pipeline(Lab lab, String ns, String pipeline) throws Exception {
        Process p = lab.start(ns, "bash", "-c", pipeline + "; echo \"exit ${PIPESTATUS[0]}\" >&2");
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(END_SECONDS, TimeUnit.SECONDS), "the pipeline ended: " + pipeline);
        return new Cli(p.exitValue(), out, err.get(END_SECONDS, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertEndedCleanly(Cli r, String statsWords) {
        assertTrue(r.err().contains("\nexit 0\n") || r.err().startsWith("exit 0\n"), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.matches("tapline: \\d+ " + statsWords + ".*")), r.err());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("Broken pipe"), r.err());
    }

    @Test
    void liveTextEndsWhenHeadOrGrepHasEnough(Lab lab) throws Exception {
        String[] ns = lab.twoHosts("pa", "pb", "10.86.0");
        Process ping = lab.start(ns[0], "ping", "-i", "0.1", "10.86.0.2");
        try {
            Cli head = pipeline(lab, ns[1], tapline("capture", "-i", "veth-b", "icmp") + " | head -3");
            assertEquals(3, head.out().lines().count(), head.out());
            assertEndedCleanly(head, "packets captured");

            Cli grep = pipeline(lab, ns[1], tapline("capture", "-l", "-i", "veth-b", "icmp") + " | grep -m1 'echo reply'");
            assertEquals(1, grep.out().lines().count(), grep.out());
            assertEndedCleanly(grep, "packets captured");

            Cli pcap = pipeline(lab, ns[1], tapline("capture", "-i", "veth-b", "-w", "-", "icmp") + " | head -c 300 | wc -c");
            assertEquals("300", pcap.out().strip());
            assertEndedCleanly(pcap, "packets captured");
        } finally {
            ping.destroy();
        }
    }

    @Test
    void aFileReadEndsWhenTheReaderGoes(Lab lab, @TempDir Path dir) throws Exception {
        String ns = lab.netns("pfile");
        // 20000 lines are far more than a pipe holds: tapline is still writing when head leaves.
        Path big = SampleCapture.echoRequests(dir.resolve("big.pcap"), 20_000, 60);
        Cli head = pipeline(lab, ns, tapline("capture", "-r", big.toString()) + " | head -3");
        assertEquals(3, head.out().lines().count(), head.out());
        assertEndedCleanly(head, "packets read from");
        assertTrue(!head.err().contains("20000 packets"), head.err());

        Cli pcap = pipeline(lab, ns, tapline("capture", "-r", big.toString(), "-w", "-") + " | head -c 1000 | wc -c");
        assertEquals("1000", pcap.out().strip());
        assertEndedCleanly(pcap, "packets read from");
    }

    @Test
    void remoteTextEndsWhenHeadHasEnough(Lab lab) throws Exception {
        String[] ns = daemonAndPinger(lab, "prs", "prc", "10.87.0");
        Cli head = pipeline(lab, ns[1], tapline("capture", "-i", "rpcap://10.87.0.1/veth-a", "icmp") + " | head -3");
        assertEquals(3, head.out().lines().count(), head.out());
        assertEndedCleanly(head, "packets captured");
    }

    @Test
    void aRemoteCaptureFileGrowsWhileTheCaptureRuns(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = daemonAndPinger(lab, "pgs", "pgc", "10.90.0");
        Path f = dir.resolve("remote.pcap");
        // 200 packets of ICMP at 20 a second: ten seconds, and the file must show them long before.
        java.util.concurrent.FutureTask<Cli> capture = lab.startInNetns(ns[1],
                () -> Cli.run("capture", "-i", "rpcap://10.90.0.1/veth-a", "-c", "200", "-w", f.toString(), "icmp"));
        CaptureFlagsTest.assertGrowsBeforeTheEnd(f, 200);
        assertEquals(0, capture.get(END_SECONDS, TimeUnit.SECONDS).exit());
    }

    /** Namespaces roleA and roleB on net: rpcapd listening in A, B pinging A every 0.1 s (the lab ends both). */
    private static String[] daemonAndPinger(Lab lab, String roleA, String roleB, String net) throws Exception {
        String[] ns = lab.twoHosts(roleA, roleB, net);
        Process daemon = lab.start(ns[0], TestJvm.command(TestJvm.classPath(), List.of(), "rpcapd", "-n", "-D", "-b", net + ".1")
                .toArray(new String[0]));
        waitForLine(daemon, "listening on");
        lab.start(ns[1], "ping", "-i", "0.1", net + ".1");
        return ns;
    }

    /** Reads the process's stderr up to a line containing {@code text}; fails if it ends first or takes too long. */
    private static BufferedReader waitForLine(Process p, String text) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = err.readLine(); l != null; l = err.readLine()) {
                    if (l.contains(text)) {
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertTrue(seen.get(END_SECONDS, TimeUnit.SECONDS), "the process ended before saying '" + text + "'");
        return err;
    }

    @Test
    void sigintEndsAFileReadWithItsStatsLine(Lab lab, @TempDir Path dir) throws Exception {
        String ns = lab.netns("pint");
        Path big = SampleCapture.echoRequests(dir.resolve("big.pcap"), 20_000, 60);
        Process p = lab.start(ns, TestJvm.command(TestJvm.classPath(), List.of(), "capture", "-r", big.toString()).toArray(new String[0]));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(out.readLine().contains("ICMP echo request"));
        // The pipe is full and tapline waits in write(2): the signal comes first, then the reader drains.
        Lab.exec(List.of("kill", "-INT", String.valueOf(p.pid())));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        long lines = 1 + out.lines().count();
        assertTrue(p.waitFor(END_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err.get());
        assertTrue(lines < 20_000, lines + " lines");
        assertTrue(err.get().strip().endsWith("tapline: " + lines + " packets read from " + big), err.get());
    }

    @Test
    void sigintEndsRemoteAndRotatingCapturesWithTheStatsLine(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = daemonAndPinger(lab, "sgs", "sgc", "10.88.0");
        for (List<String> args : List.of(
                List.of("capture", "-i", "rpcap://10.88.0.1/veth-a", "-w", dir.resolve("remote.pcap").toString()),
                List.of("capture", "-i", "veth-b", "-C", "1", "-W", "3", "-w", dir.resolve("ring.pcap").toString()),
                List.of("capture", "-i", "veth-b", "-G", "60", "-w", dir.resolve("timed-%H%M%S.pcap").toString()))) {
            Process p = lab.start(ns[1], TestJvm.command(TestJvm.classPath(), List.of(), args.toArray(new String[0])).toArray(new String[0]));
            BufferedReader err = waitForLine(p, "listening on");
            Lab.exec(List.of("kill", "-INT", String.valueOf(p.pid())));
            assertTrue(p.waitFor(END_SECONDS, TimeUnit.SECONDS), args.toString());
            String rest = err.lines().collect(Collectors.joining("\n"));
            assertEquals(0, p.exitValue(), args + ": " + rest);
            assertTrue(rest.matches("(?s).*tapline: \\d+ packets captured, .*"), args + ": " + rest);
        }
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("remote.pcap") && names.contains("ring.pcap0"), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.matches("timed-\\d{6}\\.pcap")), names.toString());
        }
    }
}
