package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetLabTest.LAN_HOST;
import static org.tapline.puppet.PuppetLabTest.MASTER_OWN;
import static org.tapline.puppet.PuppetLabTest.awaitIp;
import static org.tapline.puppet.PuppetLabTest.awaitListening;
import static org.tapline.puppet.PuppetLabTest.iperf3;
import static org.tapline.puppet.PuppetLabTest.linkFlags;
import static org.tapline.puppet.PuppetLabTest.mac;
import static org.tapline.puppet.PuppetLabTest.mtu;
import static org.tapline.puppet.PuppetLabTest.offloadsOff;
import static org.tapline.puppet.PuppetLabTest.ping;
import static org.tapline.puppet.PuppetLabTest.start;
import static org.tapline.puppet.PuppetLabTest.startTapline;
import static org.tapline.puppet.PuppetLabTest.topology;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * tapline puppet against Debian's etherpuppet 0.3 on the other end, in the topology of
 * {@link PuppetLabTest}; the etherpuppet protocol 0.4 between two tapline ends; version
 * mismatches.
 *
 * <p>etherpuppet's puppet writes 4 bytes more than each frame it injects, so a full-size frame
 * fails and ends it: tapline's master lowers its TAP's MTU by 4 for it; etherpuppet's master
 * does not, so the test does it by hand.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetInteropTest {

    @Test
    void debiansMasterWithOurPuppet(Lab lab) throws Exception {
        String[] ns = topology(lab);
        String lan = ns[0];
        String gw = ns[1];
        String master = ns[2];
        offloadsOff(lab, lan, gw);
        lab.start(lan, "iperf3", "-s");
        Watched ep = start(lab, master, "etherpuppet", "-m", "-s", "7777", "-I", "puppet0");
        awaitListening(lab, master, 7777);
        Watched p = startTapline(lab, gw, "-c", "10.61.0.2:7777", "-i", "veth-g");

        // etherpuppet's master copies what our puppet sends in the v0.3 layout (host-order struct ifreq).
        String addr = awaitIp(lab, master, o -> o.contains("inet 10.60.0.1/24"), "addr", "show", "puppet0");
        assertTrue(addr.contains("link/ether " + mac(lab, gw, "veth-g") + " "), "MAC copied: " + addr);
        assertTrue(addr.contains(" mtu 1500 "), "MTU copied: " + addr);
        lab.run(master, "ip", "link", "set", "puppet0", "mtu", "1496", "up");
        lab.address(master, "puppet0", MASTER_OWN + "/24");

        ping(lab, master, LAN_HOST);
        awaitListening(lab, lan, 5201);
        assertTrue(iperf3(lab, master, MASTER_OWN) > 0, "TCP throughput over the puppet");
        assertTrue(ep.process().isAlive(), "etherpuppet master still runs:\n" + ep.text());
        assertTrue(p.process().isAlive(), "our puppet still runs:\n" + p.text());
        assertFalse(p.text().contains("tapline mode"), p.text());
    }

    @Test
    void ourMasterWithDebiansPuppet(Lab lab) throws Exception {
        String[] ns = topology(lab);
        String lan = ns[0];
        String gw = ns[1];
        String master = ns[2];
        offloadsOff(lab, lan, gw);
        lab.start(lan, "iperf3", "-s");
        Watched m = startTapline(lab, master, "-m", "-s", "7777", "-I", "puppet0", "-u",
                "-U", "ip addr add " + MASTER_OWN + "/24 dev $PUPPET_IFACE");
        m.await("waiting for a connection");
        Watched ep = start(lab, gw, "etherpuppet", "-c", "10.61.0.2:7777", "-i", "veth-g");

        String addr = awaitIp(lab, master, o -> o.contains("inet " + MASTER_OWN + "/24") && linkFlags(o).contains(",UP,"),
                "addr", "show", "puppet0");
        assertTrue(addr.contains("link/ether " + mac(lab, gw, "veth-g") + " "), "MAC copied: " + addr);
        assertTrue(addr.contains("inet 10.60.0.1/24"), "address copied: " + addr);
        assertEquals(1496, mtu(lab, master, "puppet0"), "the MTU lowered by the 4 bytes etherpuppet's puppet adds\n" + m.text());

        ping(lab, master, LAN_HOST);
        awaitListening(lab, lan, 5201);
        assertTrue(iperf3(lab, master, MASTER_OWN) > 0, "TCP throughput over the puppet");
        assertTrue(ep.process().isAlive(), "etherpuppet puppet still runs (full-size frames did not end it):\n" + ep.text());
        assertFalse(m.text().contains("tapline mode"), m.text());
    }

    /** The master dials with --protocol 0.4; the listening puppet takes it; the 0.4 layout (netifreq) carries the parameters. */
    @Test
    void protocol04BetweenTaplineEnds(Lab lab) throws Exception {
        String[] ns = topology(lab);
        String gw = ns[1];
        String master = ns[2];
        Watched p = startTapline(lab, gw, "-s", "7777", "-i", "veth-g");
        p.await("waiting for a connection");
        Watched m = startTapline(lab, master, "-m", "-c", "10.61.0.1:7777", "-I", "puppet0", "-u", "--protocol", "0.4");
        p.await("tapline mode");
        m.await("tapline mode");
        assertTrue(p.text().contains("etherpuppet protocol 13370104 (0.4)"), p.text());
        String addr = awaitIp(lab, master, o -> o.contains("inet 10.60.0.1/24") && linkFlags(o).contains(",UP,"),
                "addr", "show", "puppet0");
        assertTrue(addr.contains("link/ether " + mac(lab, gw, "veth-g") + " "), "MAC copied: " + addr);
        ping(lab, master, LAN_HOST);
    }

    @Test
    void versionMismatchIsOneClearLineAndExitStatus4(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        Watched puppet = startTapline(lab, ns, "-s", "7777", "-i", "lo");
        Watched master = startTapline(lab, ns, "-m", "-s", "7778", "-I", "puppet0");
        // Debian's etherpuppet (0.3) as the listener, our puppet dialling with 0.4; in a namespace of
        // their own, so that our puppet's capture of lo sees none of the other connections.
        String ns2 = lab.netns("solo2");
        Watched debian = start(lab, ns2, "etherpuppet", "-m", "-s", "7779", "-I", "puppet1");
        awaitListening(lab, ns2, 7779);
        Watched dialler = startTapline(lab, ns2, "-c", "127.0.0.1:7779", "-i", "lo", "--protocol", "0.4");
        puppet.await("waiting for a connection");
        master.await("waiting for a connection");

        lab.inNetns(ns, () -> {
            try (Socket a = new Socket("127.0.0.1", 7777); Socket b = new Socket("127.0.0.1", 7778)) {
                send(a, 0x13370102);
                send(b, 0xdeadbeef);
                // Keep both connections open until the listeners have ended on their own.
                puppet.exit();
                master.exit();
            }
            return null;
        });
        assertEquals(4, puppet.exit(), puppet.text());
        String line = theOneLineWith("version", puppet);
        assertTrue(line.contains("13370103 (0.3)") && line.contains("13370104 (0.4)") && line.contains("13370102 (0.2)"), line);
        assertEquals(4, master.exit(), master.text());
        line = theOneLineWith("version", master);
        assertTrue(line.contains("13370103 (0.3)") && line.contains("13370104 (0.4)") && line.contains("deadbeef"), line);

        // etherpuppet hangs up on a version it does not speak; our dialler says which it sent and what to try.
        assertEquals(3, dialler.exit(), dialler.text());
        line = theOneLineWith("version", dialler);
        assertTrue(line.contains("13370104 (0.4)") && line.contains("--protocol 0.3"), line);
        debian.await("mismatch");
    }

    private static void send(Socket s, int word) throws java.io.IOException {
        OutputStream o = s.getOutputStream();
        o.write(ByteBuffer.allocate(4).putInt(word).array());
        o.flush();
    }

    /** The single line of the output that contains {@code word}; no stack trace anywhere. */
    private static String theOneLineWith(String word, Watched o) {
        String text = o.text();
        assertFalse(text.contains("Exception") || text.contains("\tat "), "a stack trace:\n" + text);
        List<String> lines = text.lines().filter(l -> l.contains(word)).toList();
        assertEquals(1, lines.size(), text);
        return lines.get(0);
    }
}
