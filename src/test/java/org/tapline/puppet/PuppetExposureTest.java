package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetFaultTest.PORT;
import static org.tapline.puppet.PuppetFaultTest.WAIT_SECONDS;
import static org.tapline.puppet.PuppetFaultTest.run;
import static org.tapline.puppet.PuppetFaultTest.startMaster;
import static org.tapline.puppet.PuppetLabTest.awaitIp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * What an anonymous peer can do to a plain listener: a fake puppet asking our master to route
 * 128.0.0.0/1 or 2000::/3 into its TAP is refused (status 4, no such route, even on a persistent
 * TAP); what an accepted puppet's parameters added goes when it leaves; --no-routes applies no
 * address; -b listens on that address only.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetExposureTest {
    private static final byte[] MAC = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};

    interface Script {
        void play(DataOutputStream out, DataInputStream in) throws Exception;
    }

    /** Dials 127.0.0.1:PORT in {@code ns} as a v0.3 puppet of an Ethernet interface, plays {@code script}, reads until hung up. */
    private static FutureTask<byte[]> fakePuppet(Lab lab, String ns, Script script) {
        return lab.startInNetns(ns, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", PORT), 5_000);
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.writeInt(PuppetWire.VERSION_03);
                out.writeShort(PuppetWire.ARPHRD_ETHER);
                script.play(out, in);
                out.flush();
                return in.readAllBytes();
            }
        });
    }

    private static byte[] ipv4(DataOutputStream out, int request, String address) throws IOException {
        byte[] b = PuppetWire.ifreqAddress(PuppetWire.VERSION_03, request, "eth0", 2,
                PuppetWire.sockaddrIn(InetAddress.getByName(address).getAddress()));
        out.write(b);
        return b;
    }

    /** Hello, then the tapline ACK awaited and the upgrade sent: records from here on. */
    private static void upgrade(DataOutputStream out, DataInputStream in) throws IOException {
        out.write(PuppetWire.hello(PuppetWire.VERSION_03));
        out.flush();
        assertEquals(PuppetWire.CMD | PuppetWire.CMD_ACK, in.readUnsignedShort(), "the master acknowledges the hello");
        out.write(PuppetWire.command(PuppetWire.CMD_UPGRADE));
    }

    private static void ipv6(DataOutputStream out, String address, int prefix) throws IOException {
        out.write(PuppetWire.record(PuppetWire.REC_IPV6, PuppetWire.ipv6(InetAddress.getByName(address).getAddress(), prefix)));
    }

    @Test
    void aPuppetAskingToRouteHalfTheInternetIsRefusedAndNothingIsRouted(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        Watched us = startMaster(lab, ns, "--persist");
        try {
            FutureTask<byte[]> peer = fakePuppet(lab, ns, (out, in) -> {
                ipv4(out, PuppetWire.SIOCSIFADDR, "128.1.2.3");
                ipv4(out, PuppetWire.SIOCSIFNETMASK, "128.0.0.0"); // v0.3: the netmask ends the configuration (-u: up)
            });
            assertEquals(4, us.exit(), us.text());
            assertTrue(us.text().contains("netmask 128.0.0.0 (/1)"), us.text());
            peer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            String routes = lab.run(ns, "ip", "-4", "route");
            assertFalse(routes.contains("128."), routes);
            assertFalse(lab.run(ns, "ip", "-4", "addr", "show", "dev", "puppet0").contains("inet "), "the address is taken back");
        } finally {
            lab.run(ns, "sh", "-c", "ip tuntap del dev puppet0 mode tap || true"); // gone with the namespace anyway
        }
    }

    @Test
    void aPuppetAskingToRoute2000Slash3IsRefusedAndNothingIsRouted(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        Watched again = startMaster(lab, ns, "--persist");
        try {
            FutureTask<byte[]> six = fakePuppet(lab, ns, (out, in) -> {
                upgrade(out, in);
                ipv6(out, "2001:db8::1", 3);
            });
            assertEquals(4, again.exit(), again.text());
            assertTrue(again.text().contains("/3 would route more than a subnet"), again.text());
            six.get(WAIT_SECONDS, TimeUnit.SECONDS);
            String routes6 = lab.run(ns, "ip", "-6", "route");
            assertFalse(routes6.contains("2000::/3"), routes6);
            assertFalse(lab.run(ns, "ip", "-6", "addr", "show", "dev", "puppet0").contains("2001:db8"));
        } finally {
            lab.run(ns, "sh", "-c", "ip tuntap del dev puppet0 mode tap || true"); // gone with the namespace anyway
        }
    }

    @Test
    void tooManyIpv6AddressesAreRefused(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        Watched us = startMaster(lab, ns);
        FutureTask<byte[]> peer = fakePuppet(lab, ns, (out, in) -> {
            upgrade(out, in);
            for (int i = 1; i <= PeerParameters.MAX_IPV6_ADDRESSES + 1; i++) {
                ipv6(out, "fd70::" + Integer.toHexString(i), 64);
            }
        });
        assertEquals(4, us.exit(), us.text());
        assertTrue(us.text().contains("more than " + PeerParameters.MAX_IPV6_ADDRESSES + " IPv6 addresses"), us.text());
        peer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void whatAPuppetsParametersAddedGoesWhenItLeaves(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        Watched us = startMaster(lab, ns);
        java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
        FutureTask<byte[]> peer = fakePuppet(lab, ns, (out, in) -> {
            upgradeAfterParameters(out, in);
            ipv6(out, "fd70::5", 64);
            out.flush();
            assertTrue(leave.await(WAIT_SECONDS, TimeUnit.SECONDS));
            throw new IOException("left"); // closes the socket with no goodbye
        });
        awaitIp(lab, ns, r -> r.contains("10.70.0.0/24 dev puppet0"), "-4", "route");
        awaitIp(lab, ns, r -> r.contains("fd70::/64 dev puppet0"), "-6", "route");
        leave.countDown();
        us.await("the link is down until the tapline peer is back");
        awaitIp(lab, ns, r -> !r.contains("puppet0"), "-4", "route");
        awaitIp(lab, ns, r -> !r.contains("fd70::"), "-6", "route");
        assertTrue(us.process.isAlive(), us.text());
        assertTrue(us.text().contains("the puppet's addresses removed from puppet0"), us.text());
        assertThrows(Exception.class, () -> peer.get(WAIT_SECONDS, TimeUnit.SECONDS));
        us.signal("TERM");
        assertEquals(0, us.exit(), us.text());
    }

    /** MAC, MTU, 10.70.0.5/24 (the v0.3 netmask ends the configuration), then tapline mode. */
    private static void upgradeAfterParameters(DataOutputStream out, DataInputStream in) throws IOException {
        out.write(PuppetWire.hello(PuppetWire.VERSION_03));
        out.write(PuppetWire.ifreqAddress(PuppetWire.VERSION_03, PuppetWire.SIOCSIFHWADDR, "eth0", PuppetWire.ARPHRD_ETHER, MAC));
        out.write(PuppetWire.ifreqMtu(PuppetWire.VERSION_03, "eth0", 1400));
        ipv4(out, PuppetWire.SIOCSIFADDR, "10.70.0.5");
        ipv4(out, PuppetWire.SIOCSIFNETMASK, "255.255.255.0");
        out.flush();
        assertEquals(PuppetWire.CMD | PuppetWire.CMD_ACK, in.readUnsignedShort(), "the master acknowledges the hello");
        out.write(PuppetWire.command(PuppetWire.CMD_UPGRADE));
    }

    @Test
    void noRoutesLeavesTheTapWithoutAddressesWhileThePuppetIsThere(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        Watched us = startMaster(lab, ns, "--no-routes", "-d");
        java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
        FutureTask<byte[]> peer = fakePuppet(lab, ns, (out, in) -> {
            upgradeAfterParameters(out, in);
            ipv6(out, "fd70::5", 64);
            out.flush();
            assertTrue(leave.await(WAIT_SECONDS, TimeUnit.SECONDS));
            out.write(PuppetWire.record(PuppetWire.REC_BYE, new byte[0]));
        });
        us.await("IPv6 address left alone (--no-routes)");
        assertTrue(us.text().contains("left alone (--no-routes): address 10.70.0.5, netmask 255.255.255.0"), us.text());
        awaitIp(lab, ns, r -> r.contains("UP") && r.contains("mtu 1400") && r.contains("02:00:5e:10:20:30"), "link", "show", "dev", "puppet0");
        assertFalse(lab.run(ns, "ip", "-4", "addr", "show", "dev", "puppet0").contains("inet "));
        assertFalse(lab.run(ns, "ip", "-6", "addr", "show", "dev", "puppet0", "scope", "global").contains("inet6"));
        assertFalse(lab.run(ns, "ip", "-4", "route").contains("puppet0"));
        // Nor may router advertisements from the puppet's side add a default route or addresses.
        assertEquals("0", lab.run(ns, "cat", "/proc/sys/net/ipv6/conf/puppet0/accept_ra").trim());
        leave.countDown();
        assertEquals(0, us.exit(), us.text());
        peer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void minusBListensOnThatAddressOnlyAndPlainListenersWarn(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        lab.veth(ns, "veth-a", ns, "veth-b");
        lab.address(ns, "veth-a", "10.71.0.1/24");
        Watched us = startMaster(lab, ns, "-b", "127.0.0.1");
        String listening = lab.run(ns, "ss", "-Hltn", "sport", "=", ":" + PORT);
        // Java's sockets are dual-stack: ss shows [::ffff:127.0.0.1]:7777.
        assertTrue(listening.contains("127.0.0.1:" + PORT) || listening.contains("127.0.0.1]:" + PORT), listening);
        assertFalse(listening.contains("*:" + PORT) || listening.contains("0.0.0.0:" + PORT), listening);
        Exception refused = lab.inNetns(ns, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("10.71.0.1", PORT), 5_000);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertTrue(refused instanceof java.net.ConnectException, "a connection to another address is refused: " + refused);
        assertFalse(us.text().contains("warning"), us.text());
        us.signal("TERM");
        assertEquals(0, us.exit(), us.text());

        Watched open = run(lab, ns, "-m", "-s", String.valueOf(PORT + 1), "-I", "puppet1");
        String warning = open.await("warning: listening without TLS on every address");
        assertTrue(warning.startsWith("tapline puppet: "), warning);
        open.await("waiting for a connection"); // its SIGTERM handler is in place
        open.signal("TERM");
        assertEquals(0, open.exit(), open.text());
    }
}
