package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetLabTest.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/**
 * What the puppet link does when things go wrong: a connection cut in the middle of traffic
 * (tapline mode makes it again and the master's TAP stays; etherpuppet mode ends with status 3),
 * the vampirized interface deleted (status 5), a peer that breaks the protocol (status 4), a
 * signal (status 0, the TAP removed unless --persist), and the counters on SIGUSR1.
 *
 * <p>Topology: {@link PuppetLabTest#topology}; the fake peers of the protocol tests live in one
 * namespace of their own and talk over its loopback.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetFaultTest {
    static final String LAN_HOST = "10.60.0.2";
    static final String MASTER = "10.61.0.2";
    static final int PORT = 7777;
    static final long WAIT_SECONDS = 60;

    // ---- a connection lost mid-transfer ----

    /**
     * The link is cut twice under a ping flood: the puppet killed (and started again), then its
     * connection destroyed (and redialled by the puppet itself). puppet0, persistent here, is the
     * same interface all along, and outlives the master's SIGTERM.
     */
    @Test
    void taplineModeLinkCutMidFloodIsMadeAgainAndTheTapStays(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2], "--persist");
        Watched killed = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        master.await("tapline mode");
        pingWorks(lab, ns[2]);
        String index = ifindex(lab, ns[2]);

        flood(lab, ns[2]);
        killed.process.destroyForcibly(); // SIGKILL, by PID: no goodbye
        master.await("the link is down until the tapline peer is back");
        assertTrue(master.process.isAlive(), master.text());
        assertEquals(index, ifindex(lab, ns[2]), "puppet0 stays while the puppet is away");
        Watched puppet = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        master.awaitCount("tapline mode", 2);
        pingWorks(lab, ns[2]);

        flood(lab, ns[2]);
        killConnection(lab, ns[1]);
        puppet.await("reconnecting in 1 s");
        master.awaitCount("the link is down until the tapline peer is back", 2);
        puppet.awaitCount("tapline mode", 2);
        master.awaitCount("tapline mode", 3);
        pingWorks(lab, ns[2]);
        assertEquals(index, ifindex(lab, ns[2]), "the same puppet0 after both cuts, not a new one");

        master.signal("TERM");
        assertEquals(0, master.exit(), master.text());
        assertEquals(0, puppet.exit(), "the puppet heard the goodbye:\n" + puppet.text());
        try {
            assertEquals(index, ifindex(lab, ns[2]), "--persist keeps puppet0");
        } finally {
            lab.run(ns[2], "ip", "tuntap", "del", "dev", "puppet0", "mode", "tap");
        }
        assertFalse(lab.run(ns[2], "ip", "-o", "link").contains("puppet0"));
    }

    @Test
    void compatModeConnectionKilledMidFloodEndsBothWithStatus3AndTheTapGoes(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2], "--compat");
        Watched puppet = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        master.await("staying with the etherpuppet protocol");
        master.await("puppet0 is up"); // once the parameters (sent after the hello) are applied
        pingWorks(lab, ns[2]);

        flood(lab, ns[2]);
        killConnection(lab, ns[1]);
        assertEquals(3, master.exit(), master.text());
        assertEquals(3, puppet.exit(), puppet.text());
        assertFalse(master.text().contains("tapline mode"), master.text());
        assertFalse(lab.run(ns[2], "ip", "-o", "link").contains("puppet0"), "the TAP is removed at exit");
        assertNoStackTrace(master);
        assertNoStackTrace(puppet);
    }

    // ---- the real interface goes away ----

    @Test
    void interfaceDeletedUnderThePuppetEndsItWithStatus5(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2]);
        Watched puppet = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        master.await("tapline mode");
        pingWorks(lab, ns[2]);

        lab.run(ns[1], "ip", "link", "del", "veth-g");
        assertEquals(5, puppet.exit(), puppet.text());
        List<String> about = puppet.lines().stream()
                .filter(l -> l.contains("veth-g") && l.toLowerCase(java.util.Locale.ROOT).matches(".*(disappeared|gone|no such device|deleted).*"))
                .toList();
        assertEquals(1, about.size(), "one line says what happened to veth-g:\n" + puppet.text());
        assertNoStackTrace(puppet);
        assertEquals("", Lab.exec(List.of("ip", "netns", "pids", ns[1])).trim(), "no process is left in the gateway");
        assertEquals(List.of("lo", "veth-x"), links(lab, ns[1]), "nothing is left in the gateway");
    }

    // ---- a peer that breaks the protocol ----

    /** A fake peer's misbehaviour, what our side then prints, and which of our roles meets it. */
    enum Fake {
        /** A fake puppet dials our master and sends a version no etherpuppet has. */
        VERSION_TO_MASTER(true, "protocol version mismatch"),
        /** A fake puppet dials our master, sends its link type (the TAP is made) and then an unknown command. */
        GARBAGE_TO_MASTER(true, "unknown command 0x8007"),
        /** A fake tapline puppet upgrades and then announces a 16 MiB record. */
        OVERSIZED_TO_MASTER(true, "16777215-byte record"),
        /** Our puppet dials a fake master that answers with an unknown command. */
        GARBAGE_TO_PUPPET(false, "unknown command 0x8007"),
        /** Our puppet dials a fake master that acknowledges tapline mode and announces a 16 MiB record. */
        OVERSIZED_TO_PUPPET(false, "16777215-byte record"),
        /**
         * Our puppet dials a fake master that acknowledges tapline mode and sends an OFFLOADED frame
         * whose virtio header asks the puppet's kernel for UDP fragmentation (no TAP sends that).
         */
        BAD_OFFLOAD_TO_PUPPET(false, "GSO type 0x03"),
        /** A fake master dials our listening puppet and sends a version no etherpuppet has. */
        VERSION_TO_PUPPET(false, "protocol version mismatch");

        final boolean toMaster;
        final String message;

        Fake(boolean toMaster, String message) {
            this.toMaster = toMaster;
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(Fake.class)
    void aPeerBreakingTheProtocolEndsUsWithStatus4(Fake fake, Lab lab) throws Exception {
        String ns = lab.netns("solo");
        lab.veth(ns, "veth-g", ns, "veth-l");
        Watched us;
        FutureTask<byte[]> peer;
        if (fake.toMaster) {
            us = startMaster(lab, ns);
            peer = lab.startInNetns(ns, () -> fakePuppet(fake));
        } else if (fake == Fake.VERSION_TO_PUPPET) {
            us = run(lab, ns, "-s", String.valueOf(PORT), "-i", "veth-g");
            us.await("waiting for a connection on port " + PORT);
            peer = lab.startInNetns(ns, () -> dial(s -> new DataOutputStream(s.getOutputStream()).writeInt(0x13370199)));
        } else {
            CountDownLatch listening = new CountDownLatch(1);
            peer = lab.startInNetns(ns, () -> fakeMaster(fake, listening));
            assertTrue(listening.await(WAIT_SECONDS, TimeUnit.SECONDS), "the fake master listens");
            us = run(lab, ns, "-c", "127.0.0.1:" + PORT, "-i", "veth-g");
        }
        assertEquals(4, us.exit(), us.text());
        String last = us.lines().stream().filter(l -> l.contains(fake.message)).findFirst()
                .orElseThrow(() -> new AssertionError("no line says '" + fake.message + "':\n" + us.text()));
        assertTrue(last.startsWith("tapline puppet: "), last);
        assertNoStackTrace(us);
        peer.get(WAIT_SECONDS, TimeUnit.SECONDS);
        if (fake == Fake.GARBAGE_TO_MASTER || fake == Fake.OVERSIZED_TO_MASTER) {
            assertTrue(us.text().contains("allocated interface puppet0"), us.text());
        }
        assertFalse(lab.run(ns, "ip", "-o", "link").contains("puppet0"), "no TAP is left behind");
    }

    /** What a fake puppet sends to our master at 127.0.0.1; returns what the master sent back. */
    private static byte[] fakePuppet(Fake fake) throws Exception {
        return dial(s -> {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            if (fake == Fake.VERSION_TO_MASTER) {
                out.writeInt(0x13370199);
                return;
            }
            out.writeInt(PuppetWire.VERSION_03);
            out.writeShort(PuppetWire.ARPHRD_ETHER);
            if (fake == Fake.GARBAGE_TO_MASTER) {
                out.write(new byte[] {(byte) 0x80, 0x07, 0x12, 0x34});
                return;
            }
            out.write(PuppetWire.hello(PuppetWire.VERSION_03));
            out.flush();
            byte[] ack = new DataInputStream(s.getInputStream()).readNBytes(2);
            assertEquals(PuppetWire.CMD | PuppetWire.CMD_ACK, ((ack[0] & 0xff) << 8) | (ack[1] & 0xff), "the master acknowledges the hello");
            out.write(PuppetWire.command(PuppetWire.CMD_UPGRADE));
            out.writeInt(0x00ff_ffff);
        });
    }

    /** A fake master on port {@link #PORT}: takes one connection, misbehaves, then reads until our puppet hangs up. */
    private static byte[] fakeMaster(Fake fake, CountDownLatch listening) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", PORT));
            listening.countDown();
            server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            try (Socket s = server.accept()) {
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                if (fake == Fake.OVERSIZED_TO_PUPPET) {
                    out.write(PuppetWire.command(PuppetWire.CMD_ACK));
                    out.writeInt(0x00ff_ffff);
                } else if (fake == Fake.BAD_OFFLOAD_TO_PUPPET) {
                    out.write(PuppetWire.command(PuppetWire.CMD_ACK));
                    byte[] frame = new byte[PuppetWire.VNET_HDR + 14 + 20 + 8 + 1200];
                    frame[0] = 1; // NEEDS_CSUM
                    frame[1] = 3; // VIRTIO_NET_HDR_GSO_UDP
                    frame[4] = (byte) 200; // gso_size 200, little-endian
                    frame[6] = 34; // csum_start: the UDP header
                    frame[8] = 6; // csum_offset: the UDP checksum
                    frame[PuppetWire.VNET_HDR + 12] = 0x08; // IPv4
                    frame[PuppetWire.VNET_HDR + 14] = 0x45;
                    frame[PuppetWire.VNET_HDR + 14 + 9] = 17; // UDP
                    out.write(PuppetWire.record(PuppetWire.REC_OFFLOADED, frame));
                } else {
                    out.write(new byte[] {(byte) 0x80, 0x07});
                }
                out.flush();
                return s.getInputStream().readAllBytes();
            }
        }
    }

    interface Script {
        void play(Socket s) throws Exception;
    }

    /**
     * Dials our side at 127.0.0.1 (which has said it listens), plays {@code script}, then reads
     * until our side hangs up: closing first would reset the connection and hide the protocol
     * error behind a lost connection.
     */
    private static byte[] dial(Script script) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", PORT), 5_000);
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            script.play(s);
            s.getOutputStream().flush();
            return s.getInputStream().readAllBytes();
        }
    }

    // ---- signals ----

    @Test
    void sigusr1PrintsCountersAndSigtermEndsBothWithStatus0AndRemovesTheTap(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2]);
        Watched puppet = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        master.await("tapline mode");
        pingWorks(lab, ns[2]);

        master.signal("USR1");
        String counters = master.await("counters: ");
        assertTrue(master.process.isAlive(), "SIGUSR1 does not end it: " + master.text());
        assertTrue(frames(counters, "to peer") >= 3, "the echo requests went to the puppet: " + counters);
        assertTrue(frames(counters, "from peer") >= 3, "the echo replies came from the puppet: " + counters);
        puppet.signal("USR1");
        String theirs = puppet.await("counters: ");
        assertTrue(frames(theirs, "to peer") >= 3 && frames(theirs, "from peer") >= 3, theirs);

        master.signal("TERM");
        assertEquals(0, master.exit(), master.text());
        assertEquals(0, puppet.exit(), "the puppet heard the goodbye:\n" + puppet.text());
        assertTrue(puppet.text().contains("the master ended the session"), puppet.text());
        assertFalse(lab.run(ns[2], "ip", "-o", "link").contains("puppet0"), "the TAP is removed at exit");
        assertNoStackTrace(master);
    }

    // ---- helpers, shared with SelfExclusionTest and PuppetTlsTest ----

    /**
     * Client compiler only and the serial collector: a tapline JVM then starts in about two thirds
     * of the time on the lab's two cores, and these tests start about thirty of them.
     */
    private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** The command that runs {@code tapline puppet args}. */
    static List<String> tapline(String... args) {
        List<String> a = new ArrayList<>(List.of("puppet"));
        a.addAll(List.of(args));
        return TestJvm.command(TestJvm.classPath(), QUICK_START, a.toArray(new String[0]));
    }

    /** Our master listening on {@link #PORT} with puppet0 set up once configured; returns once it listens. */
    static Watched startMaster(Lab lab, String ns, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("-m", "-s", String.valueOf(PORT), "-I", "puppet0", "-u"));
        args.addAll(List.of(more));
        Watched m = run(lab, ns, args.toArray(new String[0]));
        m.await("waiting for a connection on port " + PORT);
        return m;
    }

    /** Three echo replies from the LAN host through puppet0 (waiting up to 20 s for them). */
    static void pingWorks(Lab lab, String ns) throws IOException {
        lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-w", "20", LAN_HOST);
    }

    /**
     * Starts a ping flood from {@code ns} to the LAN host (for 2 seconds), once 50 flood pings have
     * been answered through puppet0 (a first flood, waited for).
     */
    private static void flood(Lab lab, String ns) throws Exception {
        String first = lab.run(ns, "ping", "-q", "-f", "-c", "50", "-w", String.valueOf(WAIT_SECONDS), LAN_HOST);
        assertTrue(first.contains(" 50 received"), "the flood did not pass: " + first);
        lab.start(ns, "ping", "-q", "-f", "-w", "2", LAN_HOST).getOutputStream().close();
    }

    /** Destroys the puppet's TCP socket from the gateway (SOCK_DESTROY): it sees an abort, the master a reset. */
    private static void killConnection(Lab lab, String gw) throws IOException {
        String out = lab.run(gw, "ss", "-K", "-tn", "dst", MASTER, "dport", "=", ":" + PORT);
        // Java's sockets are dual-stack: ss shows the peer as [::ffff:10.61.0.2]:7777.
        assertTrue(out.contains(MASTER + "]:" + PORT) || out.contains(MASTER + ":" + PORT), "ss killed the puppet's connection: " + out);
    }

    private static String ifindex(Lab lab, String ns) throws IOException {
        return lab.run(ns, "cat", "/sys/class/net/puppet0/ifindex").trim();
    }

    private static List<String> links(Lab lab, String ns) throws IOException {
        List<String> names = new ArrayList<>();
        for (String l : lab.run(ns, "ip", "-o", "link").split("\n")) {
            if (!l.isBlank()) {
                names.add(l.split(":\\s+")[1].replaceAll("@.*", ""));
            }
        }
        return names;
    }

    private static final Pattern FRAMES = Pattern.compile("(to peer|from peer) (\\d+) frames");

    /** The frame count after "to peer" or "from peer" in a counters line. */
    static long frames(String text, String direction) {
        String line = text.substring(text.lastIndexOf("counters: "));
        Matcher m = FRAMES.matcher(line);
        while (m.find()) {
            if (m.group(1).equals(direction)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError("no '" + direction + " N frames' in " + line);
    }

    static void assertNoStackTrace(Watched r) {
        for (String l : r.lines()) {
            assertFalse(l.startsWith("\tat ") || l.contains("Exception"), "a stack trace or exception name:\n" + r.text());
        }
    }

    /** A tapline puppet process in a namespace (quick-start JVM options), its output watched. */
    static Watched run(Lab lab, String ns, String... args) throws IOException {
        return runWith(lab, ns, List.of(), args);
    }

    /** With environment variables ("NAME=value") set through env(1), which execs: the PID stays tapline's. */
    static Watched runWith(Lab lab, String ns, List<String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (!env.isEmpty()) {
            cmd.add("env");
            cmd.addAll(env);
        }
        cmd.addAll(tapline(args));
        Process p = lab.start(ns, cmd.toArray(new String[0]));
        p.getOutputStream().close();
        return new Watched(ns + ": tapline puppet " + String.join(" ", args), p);
    }
}
