package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;
import org.tapline.link.TapLink;
import org.tapline.packet.MacAddress;

/** The stack on a TAP whose kernel side sits in a namespace: the Linux kernel is the peer. */
@ExtendWith(LabExtension.class)
class StackLabTest {
    private static final String TAP = "tltap0";

    @Test
    void kernelPingsTheStackAndLearnsItsMac(Lab lab) throws Exception {
        String ns = lab.netns("stk");
        kernelSide(lab, ns, "10.91.0.123/24");
        MacAddress mac = MacAddress.of("02:11:22:33:44:55");
        // The TAP is opened inside the namespace; its fd then serves the loop from any thread.
        TapLink link = lab.inNetns(ns, () -> TapLink.openTap(TAP));
        NetStack stack = new NetStack(link, mac, List.of(Ipv4Interface.parse("10.91.0.124/24")), null);
        FutureTask<Void> loop = new FutureTask<>(() -> {
            stack.run();
            return null;
        });
        Thread.ofPlatform().name("stack-loop").start(loop);
        try {
            String ping = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "10.91.0.124");
            assertTrue(ping.contains("3 received"), ping);
            String neigh = lab.run(ns, "ip", "neigh", "show", "10.91.0.124", "dev", TAP);
            assertTrue(neigh.contains("02:11:22:33:44:55"), neigh);
        } finally {
            stack.stop();
            loop.get(10, TimeUnit.SECONDS);
            link.close();
        }
        Counters c = stack.counters();
        assertEquals(3, c.echoesAnswered, c.line());
        assertTrue(c.arpAnswered >= 1, c.line());
        assertEquals(0, c.malformed, c.line());
    }

    @Test
    void theCommandAnswersPingAndEndsOnSigtermWithItsCounters(Lab lab) throws Exception {
        String ns = lab.netns("stkc");
        kernelSide(lab, ns, "10.92.0.123/24");
        Process p = lab.start(ns, TestJvm.command(TestJvm.classPath(), List.of(),
                "stack", "-i", TAP, "--tap", "--addr", "10.92.0.124/24").toArray(new String[0]));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String started = CompletableFuture.supplyAsync(() -> readLine(err)).get(60, TimeUnit.SECONDS);
        String mac = NetStack.defaultMac(TAP).toString();
        assertTrue(started != null && started.contains(mac), started);
        String ping = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "10.92.0.124");
        assertTrue(ping.contains("3 received"), ping);
        assertTrue(lab.run(ns, "ip", "neigh", "show", "10.92.0.124").contains(mac));
        // kill(1) rather than Process.destroy, which also closes our end of its stderr.
        Lab.exec(List.of("kill", "-TERM", String.valueOf(p.pid())));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the stack ended on SIGTERM");
        String rest = CompletableFuture.supplyAsync(() -> readAll(err)).get(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), rest);
        assertTrue(rest.contains("3 echoes answered") && rest.contains("0 malformed dropped"), "stderr after the start line: [" + rest + "]");
    }

    /** The kernel side as the HOWTO has the user make it: a TAP with an address, up. */
    private static void kernelSide(Lab lab, String ns, String cidr) throws Exception {
        lab.run(ns, "ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        lab.address(ns, TAP, cidr);
        lab.run(ns, "ip", "link", "set", TAP, "up");
    }

    private static String readAll(BufferedReader r) {
        StringBuilder b = new StringBuilder();
        for (String line = readLine(r); line != null; line = readLine(r)) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
