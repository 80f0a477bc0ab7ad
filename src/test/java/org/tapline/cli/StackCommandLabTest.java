package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/** tapline stack --serve as a process on a TAP whose kernel side is in a namespace. */
@ExtendWith(LabExtension.class)
class StackCommandLabTest {
    private static final String TAP = "tltap0";

    @Test
    void servesUdpEchoAndPrintsItsSocketsOnSigusr1(Lab lab, @TempDir Path dir) throws Exception {
        Path trace = dir.resolve("stack.pcapng");
        String ns = lab.netns("stku");
        lab.run(ns, "ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        lab.address(ns, TAP, "10.99.0.123/24");
        lab.run(ns, "ip", "link", "set", TAP, "up");
        Process p = lab.start(ns, TestJvm.command(TestJvm.classPath(), List.of(), "stack", "-i", TAP, "--tap",
                "--addr", "10.99.0.124/24", "--serve", "echo", "--serve", "chargen:1919", "-w", trace.toString())
                .toArray(new String[0]));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String started = CompletableFuture.supplyAsync(() -> readLine(err)).get(60, TimeUnit.SECONDS);
        assertTrue(started != null && started.contains("serving [echo:7, chargen:1919]"), started);
        String echoed = lab.run(ns, "sh", "-c", "printf 'are you there' | socat -t 1.5 -T 3 - UDP:10.99.0.124:7");
        assertEquals("are you there", echoed);
        // The same service over TCP: echo closes its side after socat's FIN, so socat ends.
        String echoedTcp = lab.run(ns, "sh", "-c", "printf 'and over tcp' | socat -T 10 - TCP:10.99.0.124:7");
        assertEquals("and over tcp", echoedTcp);

        Lab.exec(List.of("kill", "-USR1", String.valueOf(p.pid())));
        String report = CompletableFuture.supplyAsync(() -> readThrough(err, "Stack: ")).get(30, TimeUnit.SECONDS);
        assertTrue(report.matches("(?s).*UNCONN +0 +0 +\\*:7 .*"), report);
        assertTrue(report.matches("(?s).*UNCONN +0 +0 +\\*:1919 .*"), report);
        assertTrue(report.contains("Udp: InDatagrams 1 NoPorts 0 InErrors 0 OutDatagrams 1"), report);
        assertTrue(report.contains("frames in"), report);
        assertTrue(report.matches("(?s).*LISTEN .*:7\\b.*"), report);

        Lab.exec(List.of("kill", "-TERM", String.valueOf(p.pid())));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the stack ended on SIGTERM");
        assertEquals(0, p.exitValue());

        // tshark checks every checksum of the stack's own trace: none bad, nothing malformed.
        String udp = Lab.exec(List.of("tshark", "-r", trace.toString(), "-Y", "udp", "-T", "fields", "-e", "udp.length"));
        assertEquals(List.of("21", "21"), frames(udp), udp);
        String bad = Lab.exec(List.of("tshark", "-r", trace.toString(), "-o", "udp.check_checksum:TRUE",
                "-o", "ip.check_checksum:TRUE", "-Y", "_ws.malformed || udp.checksum.status == 0 || ip.checksum.status == 0",
                "-T", "fields", "-e", "frame.number"));
        assertEquals(List.of(), frames(bad), bad);
        // The echo's answer is stamped after its question.
        String times = Lab.exec(List.of("tshark", "-r", trace.toString(), "-Y", "udp", "-T", "fields", "-e", "frame.time_epoch"));
        List<String> stamps = times.lines().filter(l -> l.matches("[0-9.]+")).toList();
        assertEquals(2, stamps.size(), times);
        assertTrue(new BigDecimal(stamps.get(0)).compareTo(new BigDecimal(stamps.get(1))) < 0, times);
    }

    @Test
    void nmapSeesTheServedPortsOpenAndOthersClosedOverTcpAndUdp(Lab lab) throws Exception {
        String ns = lab.netns("stkn");
        lab.run(ns, "ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        lab.address(ns, TAP, "10.98.0.123/24");
        lab.run(ns, "ip", "link", "set", TAP, "up");
        Process p = lab.start(ns, TestJvm.command(TestJvm.classPath(), List.of(), "stack", "-i", TAP, "--tap",
                "--addr", "10.98.0.124/24", "--serve", "echo", "--serve", "chargen").toArray(new String[0]));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String started = CompletableFuture.supplyAsync(() -> readLine(err)).get(60, TimeUnit.SECONDS);
        assertTrue(started != null && started.contains("serving"), started);
        String scan = lab.run(ns, "nmap", "-sS", "-sU", "-Pn", "-n", "-T4", "--max-retries", "1",
                "-p", "T:7,9,19,80,U:7,10,19", "10.98.0.124");
        assertTrue(scan.matches("(?s).*\\b7/tcp +open .*"), scan);
        assertTrue(scan.matches("(?s).*\\b19/tcp +open .*"), scan);
        assertTrue(scan.matches("(?s).*\\b9/tcp +closed .*"), scan);
        assertTrue(scan.matches("(?s).*\\b80/tcp +closed .*"), scan);
        assertTrue(scan.matches("(?s).*\\b7/udp +open .*"), scan);
        assertTrue(scan.matches("(?s).*\\b19/udp +open .*"), scan);
        assertTrue(scan.matches("(?s).*\\b10/udp +closed .*"), scan);
        Lab.exec(List.of("kill", "-TERM", String.valueOf(p.pid())));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the stack ended on SIGTERM");
        assertEquals(0, p.exitValue());
    }

    /** tshark's field lines, without its warning about running as root. */
    private static List<String> frames(String out) {
        return out.lines().filter(l -> l.matches("\\d+")).toList();
    }

    /** The lines up to and including the first that starts with {@code last}. */
    private static String readThrough(BufferedReader r, String last) {
        StringBuilder b = new StringBuilder();
        for (String line = readLine(r); line != null; line = readLine(r)) {
            b.append(line).append('\n');
            if (line.startsWith(last)) {
                break;
            }
        }
        return b.toString();
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
