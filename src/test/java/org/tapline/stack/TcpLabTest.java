package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/** The stack's TCP with the Linux kernel as the peer, through a TAP into a namespace. */
@ExtendWith(LabExtension.class)
class TcpLabTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Reads everything from a stack connection and returns its SHA-256. */
    private static String drain(TcpSocket s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        try (InputStream in = s.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private void kernelToStack(Lab lab, String role, String net, double loss, int size) throws Exception {
        try (TcpLab t = new TcpLab(lab, role, net, null)) {
            if (loss > 0) {
                t.loss(loss);
            }
            byte[] data = randomBytes(size, size);
            Path file = dir.resolve("in.bin");
            Files.write(file, data);
            try (TcpServerSocket server = TcpServerSocket.listen(t.stack, 5001, 16)) {
                CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                    try (TcpSocket s = server.accept()) {
                        return drain(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
                lab.run(t.ns, "socat", "-u", "FILE:" + file, "TCP:" + t.stackIp + ":5001");
                assertEquals(sha(data), got.get(120, TimeUnit.SECONDS), t.report());
            }
        }
    }

    private void stackToKernel(Lab lab, String role, String net, double loss, int size) throws Exception {
        try (TcpLab t = new TcpLab(lab, role, net, null)) {
            if (loss > 0) {
                t.loss(loss);
            }
            Path out = dir.resolve("out.bin");
            Process socat = lab.start(t.ns, "socat", "-u", "TCP-LISTEN:5002,reuseaddr", "CREATE:" + out);
            byte[] data = randomBytes(size, size + 1);
            TcpSocket s = t.connect(5002);
            try (OutputStream o = s.getOutputStream()) {
                o.write(data);
            }
            assertTrue(socat.waitFor(120, TimeUnit.SECONDS), "socat did not finish: " + t.report());
            assertEquals(0, socat.exitValue());
            assertEquals(sha(data), sha(Files.readAllBytes(out)), t.report());
        }
    }

    @Test
    void kernelClientSendsToTheStack(Lab lab) throws Exception {
        kernelToStack(lab, "tk0", "10.93.0", 0, 50 * MIB);
    }

    @Test
    void stackClientSendsToTheKernel(Lab lab) throws Exception {
        stackToKernel(lab, "ts0", "10.93.1", 0, 50 * MIB);
    }

    @Test
    void refusedOnAClosedPort(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "trst", "10.93.2", null)) {
            ConnectException e = assertThrows(ConnectException.class, () -> TcpSocket.connect(t.stack, t.kernel(9), 5000));
            assertEquals("Connection refused", e.getMessage());
            // and the kernel, connecting to a port of ours nobody listens on, gets ECONNREFUSED
            IllegalStateException k = assertThrows(IllegalStateException.class, () -> {
                try {
                    lab.run(t.ns, "socat", "-u", "OPEN:/dev/null", "TCP:" + t.stackIp + ":9");
                } catch (java.io.IOException x) {
                    throw new IllegalStateException(x.getMessage());
                }
            });
            assertTrue(k.getMessage().contains("Connection refused"), k.getMessage());
        }
    }

    /**
     * iPerf2 both ways: {@code iperf -c} in the namespace to the stack's discard service, and the
     * stack streaming to {@code iperf -s}; prints the rates (measured, not asserted).
     */
    @Test
    void iperfBothWays(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "tip", "10.93.3", null);
             org.tapline.stack.service.TcpService discard = org.tapline.stack.service.TcpDiscard.start(t.stack, 5001)) {
            String up = lab.run(t.ns, "iperf", "-c", t.stackIp, "-p", "5001", "-t", "3", "-f", "m");
            assertTrue(up.contains("Mbits/sec"), up);
            System.out.println("kernel -> stack: iperf -c " + t.stackIp + " -p 5001 -t 3\n" + up);
            Process server = lab.start(t.ns, "iperf", "-s", "-p", "5003", "-f", "m");
            TcpSocket s = t.connect(5003);
            byte[] chunk = new byte[128 * 1024];
            long bytes = 0;
            long start = System.nanoTime();
            try (OutputStream o = s.getOutputStream()) {
                while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
                    o.write(chunk);
                    bytes += chunk.length;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("stack -> kernel (iperf -s -p 5003): %d bytes in %.2f s = %.0f Mbit/s%n",
                    bytes, secs, bytes * 8 / secs / 1e6);
            System.out.println(t.report());
            assertTrue(bytes > 0);
            assertTrue(server.isAlive(), "iperf -s survived the stream");
        }
    }

    @Test
    void kernelClientAtOnePercentLoss(Lab lab) throws Exception {
        kernelToStack(lab, "tk1", "10.93.4", 0.01, 20 * MIB);
    }

    @Test
    void stackClientAtOnePercentLoss(Lab lab) throws Exception {
        stackToKernel(lab, "ts1", "10.93.5", 0.01, 20 * MIB);
    }

    @Test
    void kernelClientAtFivePercentLoss(Lab lab) throws Exception {
        kernelToStack(lab, "tk5", "10.93.6", 0.05, 5 * MIB);
    }

    @Test
    void stackClientAtFivePercentLoss(Lab lab) throws Exception {
        stackToKernel(lab, "ts5", "10.93.7", 0.05, 5 * MIB);
    }

    /** The kernel half-closes towards the stack's echo, which answers everything, then closes too. */
    @Test
    void halfCloseBothWays(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "thc", "10.93.8", null);
             org.tapline.stack.service.TcpService echo = org.tapline.stack.service.TcpEcho.start(t.stack, 7)) {
            byte[] data = randomBytes(3 * MIB, 8);
            Path in = dir.resolve("hc-in.bin");
            Path out = dir.resolve("hc-out.bin");
            Files.write(in, data);
            // socat sends the file, shuts down its side at EOF, and reads until the stack's FIN
            lab.run(t.ns, "bash", "-c", "socat -t 60 - TCP:" + t.stackIp + ":7 < " + in + " > " + out);
            assertEquals(sha(data), sha(Files.readAllBytes(out)), t.report());
            // and the stack half-closes towards the kernel's cat, still reading what comes back
            lab.start(t.ns, "socat", "TCP-LISTEN:5004,reuseaddr", "EXEC:cat");
            TcpSocket s = t.connect(5004);
            byte[] back;
            try (s) {
                CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return drain(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
                s.getOutputStream().write(data);
                s.shutdownOutput();
                assertEquals(sha(data), reader.get(60, TimeUnit.SECONDS), t.report());
            }
        }
    }

    /**
     * A listener with backlog 2 that does not accept: further SYNs are dropped while the accept
     * queue is full (the kernel retransmits them); once the application accepts, all get through.
     */
    @Test
    void fullAcceptQueue(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "taq", "10.93.10", null);
             TcpServerSocket server = TcpServerSocket.listen(t.stack, 5005, 2)) {
            int clients = 6;
            Process[] p = new Process[clients];
            for (int i = 0; i < clients; i++) {
                p[i] = lab.start(t.ns, "bash", "-c", "echo client" + i + " | socat -t 30 - TCP:" + t.stackIp + ":5005");
            }
            waitFor(() -> t.stack.host().tcp().counters().listenDrops + t.stack.host().tcp().counters().listenOverflows > 0,
                    t, "the accept queue never overflowed");
            java.util.Set<String> lines = new java.util.TreeSet<>();
            server.setSoTimeout(30_000);
            for (int i = 0; i < clients; i++) {
                try (TcpSocket s = server.accept()) {
                    lines.add(new String(s.getInputStream().readAllBytes()).trim());
                }
            }
            assertEquals(clients, lines.size(), lines + " " + t.report());
            for (Process x : p) {
                assertTrue(x.waitFor(30, TimeUnit.SECONDS));
            }
        }
    }

    /** iPerf2 opens 1,000 parallel connections to the stack's discard service. */
    @Test
    void thousandConcurrentConnections(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "tk1k", "10.93.11", null);
             org.tapline.stack.service.TcpService discard = org.tapline.stack.service.TcpDiscard.start(t.stack, 5001)) {
            String out = lab.run(t.ns, "iperf", "-c", t.stackIp, "-p", "5001", "-P", "1000", "-n", "64K", "-f", "m");
            assertTrue(out.contains("[SUM]"), out);
            assertTrue(t.stack.host().tcp().counters().passiveOpens >= 1000, t.report());
            assertEquals(0, t.stack.host().tcp().counters().attemptFails, t.report());
        }
    }

    /** tshark reads the stack's own trace of a transfer: no bad checksum, nothing malformed. */
    @Test
    void traceHasNoBadChecksums(Lab lab) throws Exception {
        Path trace = dir.resolve("tcp.pcapng");
        try (TcpLab t = new TcpLab(lab, "ttr", "10.93.12", trace);
             org.tapline.stack.service.TcpService echo = org.tapline.stack.service.TcpEcho.start(t.stack, 7)) {
            Path in = dir.resolve("tr-in.bin");
            Path out = dir.resolve("tr-out.bin");
            byte[] data = randomBytes(256 * 1024, 12);
            Files.write(in, data);
            lab.run(t.ns, "bash", "-c", "socat -t 30 - TCP:" + t.stackIp + ":7 < " + in + " > " + out);
            assertEquals(sha(data), sha(Files.readAllBytes(out)));
        }
        String all = Lab.exec(java.util.List.of("tshark", "-r", trace.toString(), "-o", "tcp.check_checksum:TRUE",
                "-o", "ip.check_checksum:TRUE", "-Y", "tcp"));
        String bad = Lab.exec(java.util.List.of("tshark", "-r", trace.toString(), "-o", "tcp.check_checksum:TRUE",
                "-o", "ip.check_checksum:TRUE", "-Y", "tcp.checksum.status == 0 || ip.checksum.status == 0 || _ws.malformed"));
        // tshark warns on stderr when it runs as root; Lab.exec merges stderr into the output
        assertTrue(all.lines().filter(l -> !l.contains("Running as user")).count() > 100, all);
        assertEquals("", bad.lines().filter(l -> !l.contains("Running as user")).reduce("", String::concat), bad);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, TcpLab t, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            t.stack.lock().lock();
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } finally {
                t.stack.lock().unlock();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + t.report());
            }
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)).join();
        }
    }
}
