package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.link.TapLink;
import org.tapline.packet.IpPacket;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;
import org.tapline.stack.neighbor.NeighborCache;

/** The IPv4 host against the Linux kernel on a TAP in a namespace: fragments, flood ping, ARP both ways, a gateway, ICMP errors. */
@ExtendWith(LabExtension.class)
class Ipv4LabTest {
    static final String TAP = "tltap0";
    private static final MacAddress MAC = MacAddress.of("02:11:22:33:44:66");

    @Test
    void largePingsFragmentBothWaysAndAFloodLosesNothing(Lab lab) throws Exception {
        String ns = lab.netns("v4f");
        kernelSide(lab, ns, "tap", "10.93.0.123/24");
        try (Running s = Running.start(lab, ns, false, "10.93.0.124/24")) {
            String big = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "-s", "4000", "10.93.0.124");
            assertTrue(big.contains("3 received"), big);
            assertTrue(big.contains("4008 bytes from"), big);
            String flood = lab.run(ns, "ping", "-f", "-q", "-c", "10000", "-W", "2", "10.93.0.124");
            assertTrue(flood.contains("10000 received") && flood.contains(" 0% packet loss"), flood);
            var ip = s.stack.host().ipv4Counters();
            assertEquals(3, ip.reasmOKs, "the kernel's fragments put together");
            assertEquals(3, ip.fragOKs, "our replies sent in fragments");
            assertEquals(9, ip.fragCreates);
            assertEquals(0, s.stack.counters().malformed, s.stack.counters().line());
        }
    }

    @Test
    void theStackResolvesTheKernelAndTheKernelTheStack(Lab lab) throws Exception {
        String ns = lab.netns("v4a");
        kernelSide(lab, ns, "tap", "10.94.0.123/24");
        Process socat = lab.start(ns, "socat", "-u", "UDP4-RECV:5555", "STDOUT");
        await("socat to listen", () -> output(lab, ns, "ss", "-lun").contains(":5555"));
        try (Running s = Running.start(lab, ns, false, "10.94.0.124/24")) {
            // The stack speaks first: its datagram waits for ARP, which the kernel answers.
            byte[] udp = {0x30, 0x39, 0x15, (byte) 0xb3, 0, 14, 0, 0, 'h', 'e', 'l', 'l', 'o', '\n'};
            IpAddress kernel = IpAddress.parse("10.94.0.123");
            IpOutput.Result r = s.locked(() -> s.stack.host().ip().send(IpAddress.parse("10.94.0.124"), kernel,
                    IpPacket.PROTO_UDP, -1, 0, MemorySegment.ofArray(udp), udp.length, NetStack.now()));
            assertEquals(IpOutput.Result.QUEUED, r);
            BufferedReader out = new BufferedReader(new InputStreamReader(socat.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            assertEquals("hello", line, "the queued datagram left once the kernel answered");
            assertEquals(NeighborCache.State.REACHABLE, s.locked(() -> s.stack.host().arpCache().state(kernel)));
            String arping = lab.run(ns, "arping", "-c", "3", "-i", TAP, "10.94.0.124");
            assertTrue(arping.contains("3 packets received"), arping);
            assertTrue(arping.toLowerCase().contains(MAC.toString().toLowerCase()), arping);
            String neigh = lab.run(ns, "ip", "neigh", "show", "10.94.0.124", "dev", TAP);
            assertTrue(neigh.contains(MAC.toString()), neigh);
        }
    }

    @Test
    void aClosedPortAnswersPortUnreachableWithinTheRateLimit(Lab lab) throws Exception {
        String ns = lab.netns("v4u");
        kernelSide(lab, ns, "tap", "10.97.0.123/24");
        try (Running s = Running.start(lab, ns, false, "10.97.0.124/24")) {
            s.locked(() -> {
                try {
                    s.stack.host().addTransport(new TestTransport(IpPacket.PROTO_UDP)); // no socket has port 9
                } catch (IllegalArgumentException e) {
                    // the stack has its own UDP, which answers NO_PORT for port 9 as well
                }
            });
            String refused = output(lab, ns, "socat", "-t", "5", "SYSTEM:echo probe", "UDP4:10.97.0.124:9");
            assertTrue(refused.contains("Connection refused"), "socat sees ECONNREFUSED: " + refused);
            var icmp = s.stack.host().icmpCounters();
            assertEquals(1, icmp.outDestUnreachs);
            // 60 probes as fast as a shell loop sends them: the first burst of six, then one a second.
            long started = System.nanoTime();
            lab.run(ns, "bash", "-c", "for i in $(seq 60); do echo x | socat -u - UDP4:10.97.0.124:9; done");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
            await("all probes handled", () -> icmp.outDestUnreachs + icmp.outRateLimited == 61);
            await("the kernel to count what was sent", () -> kernelDestUnreachs(lab, ns) == icmp.outDestUnreachs);
            long errors = kernelDestUnreachs(lab, ns) - 1;
            assertTrue(errors >= org.tapline.stack.ip.IcmpRateLimit.HOST_BURST - 1 && errors <= org.tapline.stack.ip.IcmpRateLimit.HOST_BURST + seconds,
                    errors + " errors for 60 probes in about " + seconds + " s");
            assertTrue(icmp.outRateLimited >= 60 - org.tapline.stack.ip.IcmpRateLimit.HOST_BURST - seconds, String.valueOf(icmp.outRateLimited));
        }
    }

    @Test
    void aFragmentFloodFromRandomSourcesStaysWithinTheCapsAndPingGoesOn(Lab lab) throws Exception {
        String ns = lab.netns("v4x");
        kernelSide(lab, ns, "tap", "10.98.0.123/24");
        try (Running s = Running.start(lab, ns, false, "10.98.0.124/24")) {
            lab.run(ns, "ping", "-c", "1", "-W", "5", "10.98.0.124"); // ARP settled before the flood
            // 20,000 first fragments (MF set) of 1,400 bytes from random sources, each never completed.
            output(lab, ns, "hping3", "--udp", "-p", "9", "-x", "-d", "1400", "--rand-source", "-c", "20000", "-i", "u20",
                    "-q", "10.98.0.124");
            var ip = s.stack.host().ipv4Counters();
            await("the flood to arrive", () -> ip.reasmReqds > 5000);
            int held = s.locked(() -> s.stack.host().ipv4().reassemblyBytes());
            assertTrue(held <= org.tapline.stack.ip.Ipv4Reassembly.MAX_BYTES, held + " bytes held");
            assertTrue(ip.reasmFails > 0, "fragments past the cap were refused: " + ip.reasmReqds + " received");
            String ping = lab.run(ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", "10.98.0.124");
            assertTrue(ping.contains("3 received"), ping);
            assertEquals(0, s.stack.counters().malformed, s.stack.counters().line());
        }
    }

    /** Pings from a second namespace reach the stack through the kernel as its gateway. */
    @Test
    void aGatewayCarriesRepliesOffLink(Lab lab) throws Exception {
        String gw = lab.netns("v4g");
        String far = lab.netns("v4r");
        kernelSide(lab, gw, "tap", "10.95.0.123/24");
        lab.veth(gw, "veth-g", far, "veth-r");
        lab.address(gw, "veth-g", "10.96.0.1/24");
        lab.address(far, "veth-r", "10.96.0.2/24");
        lab.run(far, "ip", "route", "add", "default", "via", "10.96.0.1");
        lab.run(gw, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        try (Running s = Running.start(lab, gw, false, "10.95.0.124/24")) {
            String before = output(lab, far, "ping", "-c", "1", "-W", "1", "10.95.0.124");
            assertTrue(before.contains("0 received"), "no route back without the gateway: " + before);
            s.locked(() -> s.stack.host().addGateway(IpAddress.parse("10.95.0.123")));
            String ping = lab.run(far, "ping", "-c", "3", "-i", "0.2", "-W", "5", "10.95.0.124");
            assertTrue(ping.contains("3 received"), ping);
        }
    }

    /** The kernel's count of ICMP destination unreachable received in {@code ns} (/proc/net/snmp). */
    static long kernelDestUnreachs(Lab lab, String ns) {
        String[] lines = output(lab, ns, "cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Icmp: InMsgs")) {
                List<String> names = List.of(lines[i].split(" "));
                return Long.parseLong(lines[i + 1].split(" ")[names.indexOf("InDestUnreachs")]);
            }
        }
        throw new AssertionError("no Icmp line in /proc/net/snmp");
    }

    /** What a command printed, also when it failed (then the failure's message, which holds it). */
    static String output(Lab lab, String ns, String... command) {
        try {
            return lab.run(ns, command);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    static void kernelSide(Lab lab, String ns, String mode, String cidr) throws Exception {
        String dev = mode.equals("tun") ? TunLabTest.TUN : TAP;
        lab.run(ns, "ip", "tuntap", "add", "dev", dev, "mode", mode);
        lab.address(ns, dev, cidr);
        lab.run(ns, "ip", "link", "set", dev, "up");
    }

    /** Waits for {@code condition} up to 30 s, checking every 10 ms. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            new java.util.concurrent.CountDownLatch(1).await(10, TimeUnit.MILLISECONDS);
        }
    }

    /** An in-process stack on the TAP or TUN of a namespace, its loop on a platform thread. */
    static final class Running implements AutoCloseable {
        final NetStack stack;
        final TapLink link;
        final FutureTask<Void> loop;

        private Running(NetStack stack, TapLink link, FutureTask<Void> loop) {
            this.stack = stack;
            this.link = link;
            this.loop = loop;
        }

        static Running start(Lab lab, String ns, boolean tun, String cidr) throws Exception {
            TapLink link = lab.inNetns(ns, () -> tun ? TapLink.openTun(TunLabTest.TUN) : TapLink.openTap(TAP));
            NetStack stack = new NetStack(link, MAC, List.of(Ipv4Interface.parse(cidr)), null);
            FutureTask<Void> loop = new FutureTask<>(() -> {
                stack.run();
                return null;
            });
            Thread.ofPlatform().name("stack-loop").start(loop);
            return new Running(stack, link, loop);
        }

        /** Runs {@code body} holding the stack's lock. */
        <T> T locked(java.util.concurrent.Callable<T> body) throws Exception {
            stack.lock().lock();
            try {
                return body.call();
            } finally {
                stack.lock().unlock();
            }
        }

        void locked(Runnable body) throws Exception {
            locked(() -> {
                body.run();
                return null;
            });
        }

        @Override
        public void close() throws Exception {
            stack.stop();
            try {
                loop.get(10, TimeUnit.SECONDS);
            } finally {
                link.close();
            }
        }
    }
}
