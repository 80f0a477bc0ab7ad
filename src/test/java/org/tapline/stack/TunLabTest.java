package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/** The stack on a TUN (raw IP, no ARP) whose kernel side sits in a namespace. */
@ExtendWith(LabExtension.class)
class TunLabTest {
    static final String TUN = "tltun0";

    @Test
    void pingsAndFragmentedPingsOverATun(Lab lab) throws Exception {
        String ns = lab.netns("tun");
        Ipv4LabTest.kernelSide(lab, ns, "tun", "10.98.0.123/24");
        try (Ipv4LabTest.Running s = Ipv4LabTest.Running.start(lab, ns, true, "10.98.0.124/24")) {
            String ping = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "10.98.0.124");
            assertTrue(ping.contains("3 received"), ping);
            String big = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "-s", "4000", "10.98.0.124");
            assertTrue(big.contains("3 received"), big);
            assertEquals(3, s.stack.host().ipv4Counters().reasmOKs);
            assertEquals(3, s.stack.host().ipv4Counters().fragOKs);
            assertEquals(0, s.stack.counters().malformed, s.stack.counters().line());
        }
    }

    @Test
    void theCommandLivesOnATunWithAGateway(Lab lab) throws Exception {
        String ns = lab.netns("tunc");
        Ipv4LabTest.kernelSide(lab, ns, "tun", "10.99.0.123/24");
        Process p = lab.start(ns, TestJvm.command(TestJvm.classPath(), List.of(),
                "stack", "-i", TUN, "--tun", "--addr", "10.99.0.124/24", "--gw", "10.99.0.123").toArray(new String[0]));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String started = CompletableFuture.supplyAsync(() -> {
            try {
                return err.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertTrue(started != null && started.contains("(TUN)") && started.contains("via 10.99.0.123"), started);
        // An address off the TUN's subnet, routed to the TUN by the kernel: the stack answers through its gateway.
        lab.address(ns, "lo", "192.0.2.7/32");
        String ping = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "-I", "192.0.2.7", "10.99.0.124");
        assertTrue(ping.contains("3 received"), ping);
        Lab.exec(List.of("kill", "-TERM", String.valueOf(p.pid())));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the stack ended on SIGTERM");
        assertEquals(0, p.exitValue());
    }
}
