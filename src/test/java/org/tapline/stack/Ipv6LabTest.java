package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.link.TapLink;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip6.Ipv6Counters;
import org.tapline.stack.ip6.Ipv6Host;
import org.tapline.stack.ip6.Ipv6Interface;

/** The stack's IPv6 against the Linux kernel on the TAP's other side, in a namespace. */
@ExtendWith(LabExtension.class)
class Ipv6LabTest {
    static final String TAP = "tltap6";
    static final MacAddress MAC = MacAddress.of("02:11:22:33:44:66");
    /** The modified EUI-64 of {@link #MAC}. */
    static final String LINK_LOCAL = "fe80::11:22ff:fe33:4466";

    @Test
    void kernelPingsLinkLocalGlobalAndFragmentedAndNdisc6ResolvesUs(Lab lab) throws Exception {
        String ns = lab.netns("v6p");
        kernelSide(lab, ns, "fd00:91::123/64");
        try (Running s = Running.start(lab, ns, "fd00:91::124/64")) {
            assertReplies(lab.run(ns, "ping", "-6", "-c", "3", "-i", "0.2", "-w", "20", LINK_LOCAL + "%" + TAP), 3);
            assertReplies(lab.run(ns, "ping", "-6", "-c", "3", "-i", "0.2", "-w", "20", "fd00:91::124"), 3);
            // 4000 bytes of data: the kernel fragments to us, we fragment the reply to it
            assertReplies(lab.run(ns, "ping", "-6", "-c", "2", "-i", "0.2", "-s", "4000", "-w", "20", "fd00:91::124"), 2);
            lab.run(ns, "ip", "-6", "neigh", "flush", "dev", TAP);
            String nd = lab.run(ns, "ndisc6", "-1", "-r", "3", "fd00:91::124", TAP);
            assertTrue(nd.toUpperCase().contains("02:11:22:33:44:66"), nd);
            Ipv6Counters c = s.read(Ipv6Host::counters);
            assertTrue(c.reasmOKs >= 2, "reassembled the 4000-byte requests");
            assertTrue(c.outFragCreates >= 6, "fragmented the 4000-byte replies");
            assertEquals(0, c.icmpInErrors);
        }
    }

    @Test
    void radvdsPrefixBecomesAnAddressThatAnswersPing(Lab lab) throws Exception {
        String ns = lab.netns("v6r");
        kernelSide(lab, ns, "fd01:92::1/64");
        lab.run(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        Path dir = Files.createTempDirectory("tl-radvd");
        try {
            Path conf = dir.resolve("radvd.conf");
            Files.writeString(conf, "interface " + TAP + " {\n AdvSendAdvert on;\n MinRtrAdvInterval 3;\n"
                    + " MaxRtrAdvInterval 4;\n AdvDefaultLifetime 600;\n prefix fd01:92::/64 {\n  AdvOnLink on;\n"
                    + "  AdvAutonomous on;\n  AdvValidLifetime 3600;\n  AdvPreferredLifetime 1800;\n };\n};\n");
            try (Running s = Running.start(lab, ns)) {
                Process radvd = lab.start(ns, "radvd", "-n", "-C", conf.toString(), "-p", dir.resolve("radvd.pid").toString(),
                        "-m", "stderr");
                try {
                    String slaac = "fd01:92::11:22ff:fe33:4466";
                    boolean formed = s.await(h -> h.addressStates().contains(slaac + "/64 preferred"), 40);
                    assertTrue(formed, s.read(Ipv6Host::addressStates).toString());
                    assertReplies(lab.run(ns, "ping", "-6", "-c", "2", "-i", "0.2", "-w", "30", slaac), 2);
                    List<String> addrs = s.read(Ipv6Host::addressStates);
                    assertTrue(addrs.contains(slaac + "/64 preferred"), addrs.toString());
                    String routes = s.read(h -> h.routes().routes().toString());
                    assertTrue(routes.contains("default via fe80::"), routes);
                    assertTrue(routes.contains("fd01:92::/64"), routes);
                } finally {
                    Lab.exec(List.of("kill", "-TERM", String.valueOf(radvd.pid())));
                    radvd.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void anAddressTheKernelHoldsIsFoundDuplicateAndNotUsed(Lab lab) throws Exception {
        String ns = lab.netns("v6d");
        kernelSide(lab, ns, "fd00:93::124/64");
        try (Running s = Running.start(lab, ns, "fd00:93::124/64")) {
            boolean dup = s.await(h -> h.addressStates().contains("fd00:93::124/64 duplicate"), 20);
            assertTrue(dup, s.read(Ipv6Host::addressStates).toString());
            boolean local = s.read(h -> h.isLocal(org.tapline.stack.ip.IpAddress.parse("fd00:93::124")));
            assertTrue(!local, "a duplicate address is never used");
            // the link-local address passed DAD and answers
            assertReplies(lab.run(ns, "ping", "-6", "-c", "1", "-w", "20", LINK_LOCAL + "%" + TAP), 1);
        }
    }

    @Test
    void theCommandTakesAnIpv6AddressAndAnswersPing(Lab lab) throws Exception {
        String ns = lab.netns("v6c");
        kernelSide(lab, ns, "fd00:95::123/64");
        Process p = lab.start(ns, org.tapline.lab.TestJvm.command(org.tapline.lab.TestJvm.classPath(), List.of(),
                "stack", "-i", TAP, "--tap", "--addr", "fd00:95::124/64").toArray(new String[0]));
        var err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        String started = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return err.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertTrue(started != null && started.contains("[fd00:95::124/64]"), started);
        assertReplies(lab.run(ns, "ping", "-6", "-c", "1", "-w", "20", "fd00:95::124"), 1); // DAD done
        String ping = lab.run(ns, "ping", "-6", "-c", "20", "-i", "0.05", "-w", "20", "fd00:95::124");
        assertReplies(ping, 20);
        System.out.println("tapline stack over a TAP, ping -6: " + ping.lines().reduce((a, b) -> b).orElse(""));
        Lab.exec(List.of("kill", "-TERM", String.valueOf(p.pid())));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the stack ended on SIGTERM");
        assertEquals(0, p.exitValue());
    }

    /** The kernel side: a TAP with an address (no DAD: the kernel holds it at once), up. */
    static void kernelSide(Lab lab, String ns, String cidr) throws Exception {
        lab.run(ns, "ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        lab.run(ns, "ip", "addr", "add", cidr, "dev", TAP, "nodad");
        lab.run(ns, "ip", "link", "set", TAP, "up");
    }

    /** At least {@code n} replies (ping -w keeps sending until it has its count). */
    static void assertReplies(String ping, int n) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) received").matcher(ping);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= n, ping);
    }

    /** The in-process stack on the TAP, its loop on a thread of its own. */
    static final class Running implements AutoCloseable {
        final NetStack stack;
        final TapLink link;
        final FutureTask<Void> loop;

        private Running(NetStack stack, TapLink link) {
            this.stack = stack;
            this.link = link;
            this.loop = new FutureTask<>(() -> {
                stack.run();
                return null;
            });
            Thread.ofPlatform().name("stack-loop-v6").start(loop);
        }

        static Running start(Lab lab, String ns, String... addresses) throws Exception {
            TapLink link = lab.inNetns(ns, () -> TapLink.openTap(TAP));
            NetStack stack = new NetStack(link, MAC, List.of(), null);
            for (String a : addresses) {
                stack.host().addIpv6(Ipv6Interface.parse(a));
            }
            return new Running(stack, link);
        }

        /** Waits until {@code f} holds, looking every 20 ms; false at the deadline. */
        boolean await(java.util.function.Predicate<Ipv6Host> f, long seconds) {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (!read(f::test)) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
            return true;
        }

        <T> T read(Function<Ipv6Host, T> f) {
            stack.lock().lock();
            try {
                return f.apply(stack.host().ipv6());
            } finally {
                stack.lock().unlock();
            }
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
