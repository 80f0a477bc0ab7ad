package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/**
 * A script's background job ({@code tapline capture … & kill -INT $!}) starts with SIGINT ignored
 * (a non-interactive shell does that, and exec keeps it); tcpdump and rpcapd stop on it all the
 * same, and so does tapline. (send: SendCommandTest; puppet: PuppetFaultTest.)
 */
@ExtendWith(LabExtension.class)
class SignalTest {
    /** {@code tapline args} in {@code ns}, started as a script's background job is: SIGINT ignored. */
    private static Process withSigintIgnored(Lab lab, String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        cmd.addAll(TestJvm.command(TestJvm.classPath(), List.of(), args));
        Process p = lab.start(ns, cmd.toArray(String[]::new));
        p.getOutputStream().close();
        return p;
    }

    private static BufferedReader lines(InputStream s) {
        return new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8));
    }

    @Test
    void captureStopsOnSigintItInheritedIgnored(Lab lab) throws Exception {
        String ns = lab.netns("bgcap");
        Process p = withSigintIgnored(lab, ns, "capture", "-i", "lo", "icmp");
        String first = lines(p.getErrorStream()).readLine();
        assertTrue(first != null && first.startsWith("tapline: listening on lo"), String.valueOf(first));
        lab.run(ns, "ping", "-c", "1", "127.0.0.1");
        // A packet printed: the capture loop, and the handlers registered before it, run.
        String packet = lines(p.getInputStream()).readLine();
        assertTrue(packet != null && packet.contains("ICMP echo"), String.valueOf(packet));
        Lab.exec(List.of("kill", "-INT", String.valueOf(p.pid())));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "capture ended on SIGINT");
        String rest = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(rest.lines().anyMatch(l -> l.matches("tapline: \\d+ packets captured, .* dropped by interface")), rest);
        assertEquals(0, p.exitValue(), rest);
    }

    @Test
    void rpcapdStopsOnSigintItInheritedIgnored(Lab lab) throws Exception {
        String ns = lab.netns("bgrpcapd");
        Process p = withSigintIgnored(lab, ns, "rpcapd", "-n", "-p", "2002");
        String ready = lines(p.getInputStream()).readLine();
        assertTrue(ready != null && ready.contains("Press CTRL + C"), String.valueOf(ready));
        // The handler is registered just after that line: a SIGINT before it is still ignored, so
        // the signal is repeated until the daemon ends (or the deadline passes).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            Lab.exec(List.of("kill", "-INT", String.valueOf(p.pid())));
        } while (!p.waitFor(1, TimeUnit.SECONDS) && System.nanoTime() < deadline);
        assertTrue(!p.isAlive(), "rpcapd ended on SIGINT");
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
