package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.link.TapLink;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.service.Services;
import org.tapline.stack.udp.UdpCounters;

/** UDP, the services and the ping call with the Linux kernel as the peer, through a TAP in a namespace. */
@ExtendWith(LabExtension.class)
class UdpLabTest {
    private static final String TAP = "tltap0";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    /** A stack in a namespace's TAP, its loop on its own thread; closed with its link. */
    private record Running(NetStack stack, TapLink link, List<AutoCloseable> services) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            for (AutoCloseable s : services) {
                s.close();
            }
            stack.close();
            link.close();
        }
    }

    @Test
    void socatGetsItsDatagramsEchoedAndDiscardTakesWithoutAnswering(Lab lab) throws Exception {
        String ns = lab.netns("udpe");
        try (Running r = stack(lab, ns, "10.93.0", "echo", "discard")) {
            String got = lab.run(ns, "sh", "-c", "printf 'hello over udp' | socat -t 1.5 -T 3 - UDP:10.93.0.124:7");
            assertEquals("hello over udp", got);
            lab.run(ns, "sh", "-c", "printf 'into the void' | socat -t 0.5 - UDP:10.93.0.124:9");
            UdpCounters c = r.stack.udp().counters();
            waitFor(() -> c.inDatagrams == 2, () -> c.line());
            assertEquals(1, c.outDatagrams, c.line());
            assertEquals(0, c.inErrors, c.line());
        }
    }

    @Test
    void chargenAnswersEachDatagramWithTheNextPieceOfTheLineRun(Lab lab) throws Exception {
        String ns = lab.netns("udpc");
        try (Running r = stack(lab, ns, "10.94.0", "chargen")) {
            StringBuilder all = new StringBuilder();
            lab.inNetns(ns, () -> {
                try (DatagramSocket ds = new DatagramSocket()) {
                    ds.setSoTimeout(5000);
                    for (int i = 0; i < 20; i++) {
                        ds.send(new DatagramPacket(new byte[] {'?'}, 1, InetAddress.ofLiteral("10.94.0.124"), 19));
                        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                        ds.receive(p);
                        assertTrue(p.getLength() <= 512, "RFC 864: at most 512 characters, got " + p.getLength());
                        all.append(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
                    }
                }
                return null;
            });
            assertEquals(lineRun(all.length()), all.toString());
            assertTrue(all.length() > 512, "20 answers of 0-512 characters: " + all.length());
        }
    }

    @Test
    void stackSocketTalksToSocatInTheNamespace(Lab lab) throws Exception {
        String ns = lab.netns("udps");
        try (Running r = stack(lab, ns, "10.95.0")) {
            lab.start(ns, "socat", "UDP-LISTEN:7007,fork,reuseaddr", "PIPE");
            InetSocketAddress kernel = new InetSocketAddress(InetAddress.ofLiteral("10.95.0.123"), 7007);
            try (UdpSocket s = new UdpSocket(r.stack)) {
                s.timeout(Duration.ofMillis(300));
                ByteBuffer answer = exchange(s, "unconnected", kernel);
                assertEquals("unconnected", text(answer));
                assertTrue(s.localAddress().getPort() >= 32768, "an ephemeral port: " + s.localAddress());
            }
            try (UdpSocket s = new UdpSocket(r.stack).connect(kernel)) {
                s.timeout(Duration.ofMillis(300));
                assertEquals(InetAddress.ofLiteral("10.95.0.124"), s.localAddress().getAddress());
                assertEquals("connected", text(exchange(s, "connected", null)));
            }
        }
    }

    @Test
    void pingFromTheApiGetsTheKernelsReply(Lab lab) throws Exception {
        String ns = lab.netns("udpp");
        try (Running r = stack(lab, ns, "10.96.0")) {
            InetAddress kernel = InetAddress.ofLiteral("10.96.0.123");
            Duration rtt = null;
            long end = System.nanoTime() + DEADLINE.toNanos();
            // Until the IPv4 layer queues a datagram while ARP resolves, the first request may be lost.
            while (rtt == null && System.nanoTime() < end) {
                try {
                    rtt = r.stack.ping(kernel, 1000, Duration.ofSeconds(1));
                } catch (SocketTimeoutException e) {
                    // try again
                }
            }
            assertTrue(rtt != null && rtt.isPositive() && rtt.compareTo(Duration.ofSeconds(1)) < 0, "rtt " + rtt);
            for (int i = 0; i < 5; i++) {
                assertTrue(r.stack.ping(kernel, i * 300, Duration.ofSeconds(2)).isPositive());
            }
            assertThrows(SocketTimeoutException.class,
                    () -> r.stack.ping(InetAddress.ofLiteral("10.96.0.200"), 56, Duration.ofMillis(300)));
            assertThrows(NoRouteToHostException.class,
                    () -> r.stack.ping(InetAddress.ofLiteral("192.0.2.1"), 56, Duration.ofMillis(300)));
        }
    }

    @Test
    void nmapFindsTheOpenUdpServices(Lab lab) throws Exception {
        String ns = lab.netns("udpn");
        try (Running r = stack(lab, ns, "10.97.0", "echo", "discard", "chargen")) {
            String scan = lab.run(ns, "nmap", "-sU", "-Pn", "-n", "-T4", "--max-retries", "1",
                    "-p", "7,9,10,19", "10.97.0.124");
            assertTrue(scan.matches("(?s).*\\b7/udp +open +echo.*"), scan);
            assertTrue(scan.matches("(?s).*\\b19/udp +open +chargen.*"), scan);
            // Discard never answers, so nmap cannot tell it from a filtered port.
            assertTrue(scan.matches("(?s).*\\b9/udp +open\\|filtered +discard.*"), scan);
            // A closed port is answered with ICMP port unreachable, which nmap reads as closed.
            assertTrue(scan.matches("(?s).*\\b10/udp +closed .*"), scan);
            assertTrue(r.stack.udp().counters().noPorts >= 1, r.stack.udp().counters().line());
        }
    }

    @Test
    void closingTheStackWakesAWaitingReceive(Lab lab) throws Exception {
        String ns = lab.netns("udpw");
        Running r = stack(lab, ns, "10.98.0");
        UdpSocket s = new UdpSocket(r.stack).bind(new InetSocketAddress(5000));
        List<Throwable> thrown = new ArrayList<>();
        Thread t = blockedReceive(s, thrown);
        r.close();
        t.join(Duration.ofSeconds(10));
        assertEquals(1, thrown.size());
        assertInstanceOf(SocketException.class, thrown.getFirst());
        assertThrows(SocketException.class, () -> new UdpSocket(r.stack));
    }

    @Test
    void anIcmpErrorWakesTheReceiveOfAConnectedSocketOnce(Lab lab) throws Exception {
        String ns = lab.netns("udpi");
        try (Running r = stack(lab, ns, "10.89.0")) {
            UdpSocket s = new UdpSocket(r.stack).connect(new InetSocketAddress(InetAddress.ofLiteral("10.89.0.123"), 9999));
            s.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            assertEquals(8192, s.getOption(StandardSocketOptions.SO_RCVBUF), "doubled, as Linux does");
            List<Throwable> thrown = new ArrayList<>();
            Thread t = blockedReceive(s, thrown);
            // What the IPv4 layer does with an ICMP port unreachable quoting our datagram.
            Datagram quoted = new Datagram();
            quoted.source = IpAddress.parse("10.89.0.124");
            quoted.destination = IpAddress.parse("10.89.0.123");
            int port = s.localAddress().getPort();
            quoted.segment = MemorySegment.ofArray(new byte[] {(byte) (port >> 8), (byte) port,
                    (byte) (9999 >> 8), (byte) 9999, 0, 8, 0, 0});
            quoted.length = 8;
            r.stack.lock().lock();
            try {
                r.stack.udp().error(IcmpProblem.PORT_UNREACHABLE, 0, quoted, NetStack.now());
            } finally {
                r.stack.lock().unlock();
            }
            t.join(Duration.ofSeconds(10));
            assertEquals(1, thrown.size(), thrown.toString());
            assertInstanceOf(PortUnreachableException.class, thrown.getFirst());
            s.timeout(Duration.ofMillis(50));
            assertThrows(SocketTimeoutException.class, () -> s.receive(ByteBuffer.allocate(10)), "reported once");
            s.close();
        }
    }

    /** A virtual thread blocked in {@code s.receive}; what it throws goes into {@code thrown}. */
    private static Thread blockedReceive(UdpSocket s, List<Throwable> thrown) throws InterruptedException {
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                s.receive(ByteBuffer.allocate(10));
            } catch (IOException e) {
                thrown.add(e);
            }
        });
        waitFor(() -> t.getState() == Thread.State.WAITING, () -> "receive waiting: " + t.getState());
        return t;
    }

    private static ByteBuffer exchange(UdpSocket s, String text, InetSocketAddress to) throws IOException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            if (to == null) {
                s.send(out);
            } else {
                s.send(out, to);
            }
            ByteBuffer in = ByteBuffer.allocate(2048);
            try {
                InetSocketAddress from = s.receive(in);
                if (to != null) {
                    assertEquals(to, from);
                }
                return in.flip();
            } catch (SocketTimeoutException e) {
                // the first datagram is lost while ARP resolves (no queue yet); the socat
                // server may not be listening yet
                if (System.nanoTime() > end) {
                    throw e;
                }
            }
        }
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.US_ASCII.decode(b).toString();
    }

    /** RFC 864's line run, written from its text: line i holds printing characters i..i+71 (mod 95), then CR LF. */
    private static String lineRun(int n) {
        StringBuilder b = new StringBuilder();
        for (int line = 0; b.length() < n; line++) {
            for (int i = 0; i < 72; i++) {
                b.append((char) (' ' + (line + i) % 95));
            }
            b.append("\r\n");
        }
        return b.substring(0, n);
    }

    private static Running stack(Lab lab, String ns, String net, String... services) throws Exception {
        lab.run(ns, "ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        lab.address(ns, TAP, net + ".123/24");
        lab.run(ns, "ip", "link", "set", TAP, "up");
        TapLink link = lab.inNetns(ns, () -> TapLink.openTap(TAP));
        NetStack stack = new NetStack(link, MacAddress.of("02:11:22:33:44:56"),
                List.of(Ipv4Interface.parse(net + ".124/24")), null);
        List<AutoCloseable> started = new ArrayList<>();
        for (String s : services) {
            started.addAll(Services.parse(s).start(stack));
        }
        stack.start();
        return new Running(stack, link, started);
    }

    private static void waitFor(BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE + ": " + what.get());
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
