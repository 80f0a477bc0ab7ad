package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;
import org.tapline.link.PcapLink;
import org.tapline.os.PcapHandle;

/**
 * A LAN host, a gateway whose LAN interface (veth-g) the puppet vampirizes, and a master joined
 * to the gateway by its own veth. Each side is tapline or Debian's etherpuppet 0.3.
 */
@ExtendWith(LabExtension.class)
class PuppetLabTest {
    private static final String LAN_HOST = "10.60.0.2";

    /** [lan, gateway, master]. */
    static String[] topology(Lab lab) throws Exception {
        String lan = lab.netns("lan");
        String gw = lab.netns("gw");
        String master = lab.netns("master");
        lab.veth(lan, "veth-l", gw, "veth-g");
        lab.address(lan, "veth-l", LAN_HOST + "/24");
        lab.address(gw, "veth-g", "10.60.0.1/24");
        lab.veth(gw, "veth-x", master, "veth-y");
        lab.address(gw, "veth-x", "10.61.0.1/24");
        lab.address(master, "veth-y", "10.61.0.2/24");
        return new String[] {lan, gw, master};
    }

    static String[] tapline(String... args) {
        List<String> a = new ArrayList<>(List.of("puppet"));
        a.addAll(List.of(args));
        return TestJvm.command(TestJvm.classPath(), List.of(), a.toArray(new String[0])).toArray(new String[0]);
    }

    /** Waits until {@code predicate} holds for the output of `ip` in {@code ns}. */
    static String awaitIp(Lab lab, String ns, java.util.function.Predicate<String> predicate, String... ipArgs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String out = "";
        while (System.nanoTime() < deadline) {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            cmd.addAll(List.of(ipArgs));
            try {
                out = lab.run(ns, cmd.toArray(new String[0]));
                if (predicate.test(out)) {
                    return out;
                }
            } catch (java.io.IOException notYet) {
                out = notYet.getMessage();
            }
            LockSupport.parkNanos(100_000_000L);
        }
        throw new AssertionError("condition not reached: " + out);
    }

    private static void pingThroughPuppet(Lab lab, String master) throws Exception {
        String out = lab.run(master, "ping", "-c", "3", "-i", "0.2", "-W", "3", LAN_HOST);
        assertTrue(out.contains("3 received"), out);
    }

    @Test
    void ourPuppetWithDebiansMaster(Lab lab) throws Exception {
        String[] ns = topology(lab);
        lab.start(ns[2], "etherpuppet", "-m", "-s", "7777", "-I", "puppet0");
        awaitListening(lab, ns[2]);
        lab.start(ns[1], tapline("-c", "10.61.0.2:7777", "-i", "veth-g"));
        String addr = awaitIp(lab, ns[2], o -> o.contains("inet 10.60.0.1/24"), "addr", "show", "puppet0");
        String gwMac = lab.run(ns[1], "cat", "/sys/class/net/veth-g/address").trim();
        assertTrue(addr.contains("link/ether " + gwMac), "MAC copied: " + addr);
        lab.run(ns[2], "ip", "link", "set", "puppet0", "up");
        pingThroughPuppet(lab, ns[2]);
    }

    @Test
    void ourMasterWithDebiansPuppet(Lab lab) throws Exception {
        String[] ns = topology(lab);
        lab.start(ns[2], tapline("-m", "-s", "7777", "-I", "puppet0", "-u"));
        awaitListening(lab, ns[2]);
        lab.start(ns[1], "etherpuppet", "-c", "10.61.0.2:7777", "-i", "veth-g");
        awaitIp(lab, ns[2], o -> o.contains("inet 10.60.0.1/24") && o.contains(",UP"), "addr", "show", "puppet0");
        pingThroughPuppet(lab, ns[2]);
    }

    @Test
    void taplineBothEndsV04WithoutOwnConnectionAndWithMinusC(Lab lab) throws Exception {
        String[] ns = topology(lab);
        lab.start(ns[2], tapline("-m", "-s", "7777", "-I", "puppet0", "-u"));
        awaitListening(lab, ns[2]);
        lab.start(ns[1], tapline("-c", "10.61.0.2:7777", "-i", "veth-g", "--protocol", "0.4"));
        awaitIp(lab, ns[2], o -> o.contains("inet 10.60.0.1/24") && o.contains(",UP"), "addr", "show", "puppet0");
        // Self-exclusion: the puppet connection itself (tcp port 7777 on the gateway) never shows on the TAP.
        int own = lab.inNetns(ns[2], () -> {
            try (PcapLink tap = PcapLink.open("puppet0", PcapHandle.Options.defaults())) {
                tap.setFilter("tcp port 7777 or icmp");
                lab.run(ns[2], "ping", "-c", "3", "-i", "0.2", LAN_HOST);
                int[] seen = {0, 0};
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < deadline && seen[1] < 6) {
                    tap.receive((lt, ts, len, d) -> seen[(d.byteSize() > 23 && d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 23) == 1) ? 1 : 0]++, 64, 200);
                }
                assertEquals(6, seen[1], "the pings and their replies crossed the TAP");
                return seen[0];
            }
        });
        assertEquals(0, own, "frames of the puppet's own connection");
    }

    @Test
    void minusCLeavesTheTapAlone(Lab lab) throws Exception {
        String[] ns = topology(lab);
        lab.start(ns[2], tapline("-m", "-s", "7777", "-I", "puppet0", "-C", "-u"));
        awaitListening(lab, ns[2]);
        lab.start(ns[1], tapline("-c", "10.61.0.2:7777", "-i", "veth-g"));
        String addr = awaitIp(lab, ns[2], o -> o.contains(",UP"), "addr", "show", "puppet0");
        assertFalse(addr.contains("inet 10.60.0.1"), addr);
    }

    private static void awaitListening(Lab lab, String ns) throws Exception {
        awaitSs(lab, ns);
    }

    private static void awaitSs(Lab lab, String ns) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (lab.run(ns, "ss", "-ltn").contains(":7777")) {
                return;
            }
            LockSupport.parkNanos(100_000_000L);
        }
        throw new AssertionError("nothing listens on 7777 in " + ns);
    }
}
