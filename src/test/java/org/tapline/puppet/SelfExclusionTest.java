package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetFaultTest.PORT;
import static org.tapline.puppet.PuppetFaultTest.run;
import static org.tapline.puppet.PuppetFaultTest.runWith;
import static org.tapline.puppet.PuppetFaultTest.startMaster;
import static org.tapline.puppet.PuppetLabTest.topology;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.link.PcapLink;
import org.tapline.os.PcapHandle;

/**
 * The puppet leaves its own connection out of what it forwards (or the one -M or -S names, or
 * none with -B). For that to be visible the connection must cross the vampirized interface: here
 * the master runs on the LAN host and the puppet dials it through veth-g, so a frame of the
 * connection that is not left out comes back out of the master's TAP (and, forwarded again,
 * feeds itself: -B is etherpuppet's "dangerous" flag). The gateway dials from one fixed port (its
 * namespace's ephemeral range is that port alone), so -M and -S can name the connection.
 *
 * <p>On the LAN host the TAP stays unconfigured (-C), without IPv6, and the host answers ARP only
 * on the interface that has the address: otherwise it would answer the gateway's ARP requests
 * through the TAP too, with the TAP's MAC, and the gateway would lose its way to it.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class SelfExclusionTest {
    private static final String GW = "10.60.0.1";
    private static final String LAN = "10.60.0.2";
    private static final String GW6 = "fd60::1";
    private static final String LAN6 = "fd60::2";
    private static final int PUPPET_PORT = 40000;

    @Test
    void defaultLeavesOutTheOwnConnection(Lab lab) throws Exception {
        String[] ns = lan(lab, false);
        Watched puppet = run(lab, ns[1], "-c", LAN + ":" + PORT, "-i", "veth-g");
        Seen seen = seenOnTheTap(lab, ns, false, false);
        assertEquals(0, seen.own(), "frames of the puppet's connection on the TAP");
        assertTrue(puppet.text().contains("port " + PUPPET_PORT + " and port " + PORT), puppet.text());
    }

    @Test
    void minusBLeavesOutNothing(Lab lab) throws Exception {
        String[] ns = lan(lab, false);
        Watched puppet = run(lab, ns[1], "-c", LAN + ":" + PORT, "-i", "veth-g", "-B");
        try {
            Seen seen = seenOnTheTap(lab, ns, false, true);
            assertTrue(seen.own() > 0, "without a filter the puppet's own connection comes back on the TAP");
        } finally {
            puppet.process.destroyForcibly(); // ends the loop at once
        }
    }

    @Test
    void minusSLeavesOutTheConnectionOfSshConnection(Lab lab) throws Exception {
        String[] ns = lan(lab, false);
        // "client-ip client-port server-ip server-port", as sshd sets it; here the master plays the client.
        Watched puppet = runWith(lab, ns[1], List.of("SSH_CONNECTION=" + LAN + " " + PORT + " " + GW + " " + PUPPET_PORT),
                "-c", LAN + ":" + PORT, "-i", "veth-g", "-S");
        Seen seen = seenOnTheTap(lab, ns, false, false);
        assertEquals(0, seen.own(), "frames of the SSH_CONNECTION connection on the TAP");
        assertTrue(puppet.text().contains("host " + LAN + " and host " + GW), puppet.text());
    }

    @Test
    void defaultLeavesOutTheOwnConnectionOverIpv6(Lab lab) throws Exception {
        String[] ns = lan(lab, true);
        Watched puppet = run(lab, ns[1], "-c", "[" + LAN6 + "]:" + PORT, "-i", "veth-g");
        Seen seen = seenOnTheTap(lab, ns, true, false);
        assertEquals(0, seen.own(), "frames of the puppet's IPv6 connection on the TAP");
        assertTrue(puppet.text().contains("port " + PUPPET_PORT + " and port " + PORT), puppet.text());
    }

    @Test
    void minusMLeavesOutTheNamedConnectionInBracketedIpv6(Lab lab) throws Exception {
        String[] ns = lan(lab, true);
        Watched puppet = run(lab, ns[1], "-c", "[" + LAN6 + "]:" + PORT, "-i", "veth-g",
                "-M", "[" + GW6 + "]:" + PUPPET_PORT + ",[" + LAN6 + "]:" + PORT);
        Seen seen = seenOnTheTap(lab, ns, true, false);
        assertEquals(0, seen.own(), "frames of the IPv6 connection -M names on the TAP");
        assertTrue(puppet.text().contains("capture filter: not (tcp and host " + GW6 + " and host " + LAN6), puppet.text());
    }

    /**
     * The topology with the master on the LAN host (started, listening) and the gateway dialling
     * from {@link #PUPPET_PORT}; with IPv6 addresses on the LAN wire when {@code v6}.
     */
    private static String[] lan(Lab lab, boolean v6) throws Exception {
        String[] ns = topology(lab);
        lab.run(ns[1], "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=" + PUPPET_PORT + " " + PUPPET_PORT);
        lab.run(ns[0], "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        lab.run(ns[0], "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        if (v6) {
            lab.run(ns[1], "ip", "addr", "add", GW6 + "/64", "dev", "veth-g", "nodad");
            lab.run(ns[0], "ip", "addr", "add", LAN6 + "/64", "dev", "veth-l", "nodad");
        }
        startMaster(lab, ns[0], "-C");
        return ns;
    }

    /** Frames on the TAP: of the puppet's connection (TCP port 7777), and ICMP echo. */
    record Seen(int own, int echo) {}

    /**
     * Pings the gateway from the LAN host (3 requests, 3 replies cross veth-g) while capturing on
     * the master's TAP there, and waits for those 6 echo frames. The puppet's connection carries
     * them, so its own segments cross veth-g in the same moments; they are counted as they show.
     * With {@code unfiltered} (-B) the connection feeds on itself and floods the TAP: then no ping,
     * only a wait for a first frame of the connection.
     */
    private static Seen seenOnTheTap(Lab lab, String[] ns, boolean v6, boolean unfiltered) throws Exception {
        String lan = ns[0];
        awaitLink(lab, lan);
        Seen seen = lab.inNetns(lan, () -> {
            try (PcapLink tap = PcapLink.open("puppet0", PcapHandle.Options.defaults().withImmediate(true))) {
                tap.setFilter("tcp port " + PORT + " or icmp[icmptype] == icmp-echo or icmp[icmptype] == icmp-echoreply"
                        + " or (icmp6 and (ip6[40] == 128 or ip6[40] == 129))");
                if (!unfiltered) {
                    lab.run(lan, "ping", v6 ? "-6" : "-4", "-c", "3", "-i", "0.2", "-w", "20", v6 ? GW6 : GW);
                }
                int[] counts = {0, 0};
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline && (unfiltered ? counts[0] == 0 : counts[1] < 6)) {
                    tap.receive((lt, ts, len, d) -> counts[classify(d)]++, 256, 200);
                }
                return new Seen(counts[0], counts[1]);
            }
        });
        assertTrue(unfiltered || seen.echo() >= 6, "the echo requests and replies came through the TAP: " + seen);
        String ss = lab.run(ns[1], "ss", "-Htn", "dport", "=", ":" + PORT);
        assertTrue(ss.contains(":" + PUPPET_PORT + " "), "the puppet dialled from port " + PUPPET_PORT + ": " + ss);
        return seen;
    }

    /** Waits until the master has set its TAP up (the puppet connected and sent its parameters). */
    private static void awaitLink(Lab lab, String lan) throws Exception {
        PuppetLabTest.awaitIp(lab, lan, o -> o.contains(",UP"), "link", "show", "puppet0");
    }

    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** 0 for TCP (the capture filter lets only port 7777 through), 1 for an ICMP or ICMPv6 echo. */
    private static int classify(MemorySegment frame) {
        int type = Short.toUnsignedInt(frame.get(BE_SHORT, 12));
        int protocol = type == 0x86dd ? frame.get(ValueLayout.JAVA_BYTE, 14 + 6) : frame.get(ValueLayout.JAVA_BYTE, 14 + 9);
        return protocol == 6 ? 0 : 1;
    }
}
