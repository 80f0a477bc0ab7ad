package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;
import org.tapline.link.PcapLink;
import org.tapline.os.PcapHandle;

/**
 * A LAN host (10.60.0.2, veth-l), a gateway whose LAN interface (veth-g, 10.60.0.1) the puppet
 * vampirizes, and a master joined to the gateway by its own veth (veth-x 10.61.0.1, veth-y
 * 10.61.0.2). Here tapline is on both ends; {@link PuppetInteropTest} puts Debian's etherpuppet
 * on one of them.
 *
 * <p>The master's TAP takes the gateway's own IPv4 address when parameters are copied. The
 * gateway's kernel then also sees the LAN host's answers to that address: harmless for ping
 * (an unexpected echo reply is dropped), fatal for TCP (it resets a SYN-ACK it did not ask
 * for). TCP therefore runs from a second address on the TAP, 10.60.0.3, which the gateway does
 * not own and, not forwarding, silently drops.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetLabTest {
    static final String LAN_HOST = "10.60.0.2";
    static final String LAN_HOST6 = "fd60::2";
    /** The master's own address on the TAP, for TCP (see the class comment). */
    static final String MASTER_OWN = "10.60.0.3";
    static final long WAIT_SECONDS = 60;

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
    static String awaitIp(Lab lab, String ns, Predicate<String> predicate, String... ipArgs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String out = "";
        while (System.nanoTime() < deadline) {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            cmd.addAll(List.of(ipArgs));
            try {
                out = lab.run(ns, cmd.toArray(new String[0]));
                if (predicate.test(out)) {
                    return out;
                }
            } catch (IOException notYet) {
                out = notYet.getMessage();
            }
            LockSupport.parkNanos(100_000_000L);
        }
        throw new AssertionError("condition not reached: " + out);
    }

    @Test
    void taplineModeCarriesPingPing6ArpTcpAndFramesBothWays(Lab lab) throws Exception {
        String[] ns = topology(lab);
        String lan = ns[0];
        String gw = ns[1];
        String master = ns[2];
        lab.run(lan, "ip", "addr", "add", LAN_HOST6 + "/64", "dev", "veth-l", "nodad");
        lab.run(gw, "ip", "addr", "add", "fd60::1/64", "dev", "veth-g", "nodad");
        offloadsOff(lab, lan, gw);
        lab.start(lan, "iperf3", "-s");
        Watched m = startTapline(lab, master, "-m", "-s", "7777", "-I", "puppet0", "-u",
                "-U", "ip addr add " + MASTER_OWN + "/24 dev $PUPPET_IFACE");
        m.await("waiting for a connection");
        Watched p = startTapline(lab, gw, "-c", "10.61.0.2:7777", "-i", "veth-g");
        m.await("tapline mode");
        p.await("tapline mode");
        // The IPv6 address comes in tapline mode only; the TAP then runs DAD on it (about a second).
        String six = awaitIp(lab, master, o -> o.contains("inet6 fd60::1/64") && !o.contains("tentative"),
                "-6", "addr", "show", "puppet0");
        assertFalse(six.contains("dadfailed"), six);
        awaitIp(lab, master, o -> o.contains("inet " + MASTER_OWN + "/24") && linkFlags(o).contains(",UP,"), "addr", "show", "puppet0");

        ping(lab, master, LAN_HOST);
        ping(lab, master, LAN_HOST6);
        String lanMac = mac(lab, lan, "veth-l");
        String neigh = lab.run(master, "ip", "neigh", "show", "dev", "puppet0");
        assertTrue(neigh.contains(LAN_HOST + " lladdr " + lanMac), "ARP resolved over the puppet: " + neigh);

        awaitListening(lab, lan, 5201);
        assertTrue(iperf3(lab, master, MASTER_OWN) > 0, "TCP throughput over the puppet");

        // A frame sent on the TAP leaves by veth-g; one sent on the LAN arrives on the TAP; both unaltered.
        byte[] out = experimental("ffffffffffff", "02aabbcc0001", "tapline: master to LAN");
        assertArrayEquals(out, carry(lab, master, "puppet0", lan, "veth-l", out));
        byte[] in = experimental("ffffffffffff", lanMac.replace(":", ""), "tapline: LAN to master");
        assertArrayEquals(in, carry(lab, lan, "veth-l", master, "puppet0", in));
    }

    @Test
    void parametersAreCopiedOnceAndMinusCMinusUAndMinusUCommandDoWhatTheySay(Lab lab, @TempDir Path dir) throws Exception {
        String[] ns = topology(lab);
        String gw = ns[1];
        String master = ns[2];
        lab.run(gw, "ip", "link", "set", "veth-g", "mtu", "1400");
        // An unusual broadcast address: the kernel would derive 10.60.0.255 on its own, this one must be copied.
        lab.run(gw, "ip", "addr", "del", "10.60.0.1/24", "dev", "veth-g");
        lab.run(gw, "ip", "addr", "add", "10.60.0.1/24", "brd", "10.60.0.254", "dev", "veth-g");
        String gwMac = mac(lab, gw, "veth-g");
        Path ran = dir.resolve("ran");
        // Master "pa" copies and runs -U, without -u; master "pb" has -C and -u.
        Watched ma = startTapline(lab, master, "-m", "-s", "7001", "-I", "pa", "-U", "echo $PUPPET_IFACE >> " + ran);
        Watched mb = startTapline(lab, master, "-m", "-s", "7002", "-I", "pb", "-C", "-u");
        ma.await("waiting for a connection");
        mb.await("waiting for a connection");
        Watched pa = startTapline(lab, gw, "-c", "10.61.0.2:7001", "-i", "veth-g");
        startTapline(lab, gw, "-c", "10.61.0.2:7002", "-i", "veth-g");

        // Parameters and -U (v0.3: the netmask, sent last, ends the configuration) are applied before tapline mode starts.
        ma.await("tapline mode");
        String a = lab.run(master, "ip", "addr", "show", "pa");
        assertTrue(a.contains("link/ether " + gwMac + " "), "MAC copied: " + a);
        assertTrue(a.contains(" mtu 1400 "), "MTU copied: " + a);
        assertTrue(a.contains("inet 10.60.0.1/24 brd 10.60.0.254 scope global pa"), "address, prefix, broadcast copied: " + a);
        assertFalse(linkFlags(a).contains(",UP,"), "without -u the TAP stays down: " + a);
        assertEquals("pa\n", awaitFile(ran), "the -U command ran with $PUPPET_IFACE");

        mb.await("tapline mode");
        String b = awaitIp(lab, master, o -> linkFlags(o).contains(",UP,"), "addr", "show", "pb");
        assertFalse(b.contains("link/ether " + gwMac), "-C: MAC left alone: " + b);
        assertTrue(b.contains(" mtu 1500 "), "-C: MTU left alone: " + b);
        assertFalse(b.contains("inet "), "-C: no IPv4 address: " + b);
        // What was left alone is said once, in words.
        assertEquals(1, mb.count("settings left alone (-C): "), mb.text());
        String alone = mb.await("settings left alone (-C): ");
        for (String part : List.of("MAC " + gwMac, "MTU 1400", "address 10.60.0.1", "broadcast 10.60.0.254", "netmask 255.255.255.0")) {
            assertTrue(alone.contains(part), part + " in " + alone);
        }
        assertEquals(0, mb.count("configure request"), mb.text());

        // The puppet of "pa" dies without a goodbye; a new one comes: the TAP stays, -U does not run again.
        pa.process().destroyForcibly();
        pa.exit();
        ma.await("the link is down until the tapline peer is back");
        startTapline(lab, gw, "-c", "10.61.0.2:7001", "-i", "veth-g");
        ma.awaitCount("tapline mode", 2);
        assertEquals(1, ma.count("started: "), ma.text());
        assertEquals("pa\n", Files.readString(ran), "the -U command ran once");
        assertTrue(lab.run(master, "ip", "addr", "show", "pa").contains("inet 10.60.0.1/24"));
    }

    @Test
    void jumboFramesPassInTaplineModeAndCompatLowersTheMtu(Lab lab) throws Exception {
        String[] ns = topology(lab);
        String lan = ns[0];
        String gw = ns[1];
        String master = ns[2];
        // A second master, speaking plain etherpuppet (--compat), in its own namespace.
        String compat = lab.netns("compat");
        lab.veth(gw, "veth-x2", compat, "veth-y2");
        lab.address(gw, "veth-x2", "10.62.0.1/24");
        lab.address(compat, "veth-y2", "10.62.0.2/24");
        lab.run(lan, "ip", "link", "set", "veth-l", "mtu", "9000");
        lab.run(gw, "ip", "link", "set", "veth-g", "mtu", "9000");
        Watched m = startTapline(lab, master, "-m", "-s", "7777", "-I", "puppet0", "-u");
        Watched c = startTapline(lab, compat, "-m", "-s", "7777", "-I", "puppet0", "-u", "--compat");
        m.await("waiting for a connection");
        c.await("waiting for a connection");
        startTapline(lab, gw, "-c", "10.61.0.2:7777", "-i", "veth-g");
        startTapline(lab, gw, "-c", "10.62.0.2:7777", "-i", "veth-g");

        m.await("tapline mode");
        awaitIp(lab, master, o -> o.contains("inet 10.60.0.1/24") && linkFlags(o).contains(",UP,"), "addr", "show", "puppet0");
        assertEquals(9000, mtu(lab, master, "puppet0"), "tapline mode: the remote MTU as it is");
        String out = lab.run(master, "ping", "-c", "3", "-i", "0.2", "-W", "3", "-s", "8000", "-M", "do", LAN_HOST);
        assertTrue(out.contains("3 received"), out);

        // etherpuppet framing carries frames of at most 1598 bytes: 14 of header, so an MTU of 1584.
        awaitIp(lab, compat, o -> o.contains("inet 10.60.0.1/24") && linkFlags(o).contains(",UP,"), "addr", "show", "puppet0");
        assertEquals(1584, mtu(lab, compat, "puppet0"), c.text());
        assertFalse(c.text().contains("tapline mode"), c.text());
        out = lab.run(compat, "ping", "-c", "3", "-i", "0.2", "-W", "3", "-s", String.valueOf(1584 - 28), "-M", "do", LAN_HOST);
        assertTrue(out.contains("3 received"), "full-size frames at the lowered MTU: " + out);
    }

    // ---- helpers, shared with PuppetInteropTest ----

    /** Prints the output of the test's processes when it fails. */
    static final class ShowOutputs implements TestWatcher {
        /** The outputs of the running test (tests run one at a time). */
        

        @Override
        public void testFailed(ExtensionContext c, Throwable cause) {
            for (Watched o : Watched.OF_TEST) {
                System.err.println("---- " + o.label() + "\n" + o.text());
            }
            Watched.OF_TEST.clear();
        }

        @Override
        public void testSuccessful(ExtensionContext c) {
            Watched.OF_TEST.clear();
        }

        @Override
        public void testAborted(ExtensionContext c, Throwable cause) {
            Watched.OF_TEST.clear();
        }
    }

    static Watched startTapline(Lab lab, String ns, String... args) throws IOException {
        return new Watched(ns + ": tapline puppet " + String.join(" ", args), lab.start(ns, tapline(args)));
    }

    /** Starts any command in {@code ns}, its output kept. */
    static Watched start(Lab lab, String ns, String... command) throws IOException {
        return new Watched(ns + ": " + String.join(" ", command), lab.start(ns, command));
    }

    /** The flags of `ip link`/`ip addr` output, as in "BROADCAST,MULTICAST,UP,LOWER_UP". */
    static String linkFlags(String ipOutput) {
        int open = ipOutput.indexOf('<');
        int close = ipOutput.indexOf('>', open);
        return open < 0 || close < 0 ? "" : "," + ipOutput.substring(open + 1, close) + ",";
    }

    static String mac(Lab lab, String ns, String iface) throws IOException {
        return lab.run(ns, "cat", "/sys/class/net/" + iface + "/address").trim();
    }

    static int mtu(Lab lab, String ns, String iface) throws IOException {
        return Integer.parseInt(lab.run(ns, "cat", "/sys/class/net/" + iface + "/mtu").trim());
    }

    static void ping(Lab lab, String ns, String target) throws IOException {
        String out = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "3", target);
        assertTrue(out.contains("3 received"), out);
    }

    /**
     * Checksum and segmentation offloads off on the veths the puppet captures: with them the
     * puppet would see partial checksums and super-frames, which are no frames of the wire.
     */
    static void offloadsOff(Lab lab, String lan, String gw) throws IOException {
        lab.run(lan, "ethtool", "-K", "veth-l", "tso", "off", "gso", "off", "gro", "off", "tx", "off");
        lab.run(gw, "ethtool", "-K", "veth-g", "tso", "off", "gso", "off", "gro", "off", "tx", "off");
    }

    static void awaitListening(Lab lab, String ns, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (lab.run(ns, "ss", "-Hltn", "sport", "= :" + port).contains(":" + port)) {
                return;
            }
            LockSupport.parkNanos(100_000_000L);
        }
        throw new AssertionError("nothing listens on " + port + " in " + ns);
    }

    private static final Pattern RECEIVED_BPS = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

    /** A 2 s iperf3 TCP run from {@code ns} (bound to {@code source}) to the LAN host; its received bits per second. */
    static double iperf3(Lab lab, String ns, String source) throws IOException {
        String json = lab.run(ns, "iperf3", "-c", LAN_HOST, "-B", source, "-t", "2", "-J", "--connect-timeout", "5000");
        Matcher m = RECEIVED_BPS.matcher(json);
        assertTrue(m.find(), json);
        return Double.parseDouble(m.group(1));
    }

    /** A frame of the IEEE local experimental ethertype 0x88b5 carrying {@code text}, 64 bytes at least. */
    static byte[] experimental(String dstMac, String srcMac, String text) {
        byte[] head = HexFormat.of().parseHex(dstMac + srcMac + "88b5");
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        byte[] f = new byte[Math.max(64, head.length + payload.length)];
        System.arraycopy(head, 0, f, 0, head.length);
        System.arraycopy(payload, 0, f, head.length, payload.length);
        return f;
    }

    /**
     * Sends {@code frame} on {@code fromIf} (in {@code fromNs}) until a capture on {@code toIf}
     * (in {@code toNs}) has seen a frame of its ethertype, and returns the captured bytes. The
     * frame is sent again every 100 ms: the capture's start-up time is unknown.
     */
    static byte[] carry(Lab lab, String fromNs, String fromIf, String toNs, String toIf, byte[] frame) throws Exception {
        String marker = new String(frame, 14, 8, StandardCharsets.US_ASCII);
        FutureTask<byte[]> capture = lab.startInNetns(toNs, () -> {
            try (PcapLink link = PcapLink.open(toIf, PcapHandle.Options.defaults())) {
                link.setFilter("ether proto 0x88b5");
                byte[][] seen = {null};
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS / 2);
                while (seen[0] == null && System.nanoTime() < deadline) {
                    link.receive((lt, ts, len, d) -> {
                        byte[] b = d.toArray(ValueLayout.JAVA_BYTE);
                        if (b.length > 22 && new String(b, 14, 8, StandardCharsets.US_ASCII).equals(marker)) {
                            seen[0] = b;
                        }
                    }, 16, 200);
                }
                return seen[0];
            }
        });
        lab.inNetns(fromNs, () -> {
            try (PcapLink link = PcapLink.open(fromIf, PcapHandle.Options.defaults())) {
                for (int i = 0; i < 10 * WAIT_SECONDS / 2 && !capture.isDone(); i++) {
                    link.send(MemorySegment.ofArray(frame));
                    try {
                        capture.get(100, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException notYet) {
                        // not seen yet: send again
                    }
                }
            }
            return null;
        });
        byte[] got = capture.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotEquals(null, got, "frame sent on " + fromIf + " not captured on " + toIf);
        return got;
    }

    private static String awaitFile(Path file) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String s = Files.readString(file);
                if (s.endsWith("\n")) {
                    return s;
                }
            }
            LockSupport.parkNanos(50_000_000L);
        }
        throw new AssertionError(file + " was not written");
    }
}
