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
            TcpSocket s = connectRetrying(t, 5002);
            try (OutputStream o = s.getOutputStream()) {
                o.write(data);
            }
            assertTrue(socat.waitFor(120, TimeUnit.SECONDS), "socat did not finish: " + t.report());
            assertEquals(0, socat.exitValue());
            assertEquals(sha(data), sha(Files.readAllBytes(out)), t.report());
        }
    }

    /** Connects to a kernel listener that may still be starting (refused until it listens). */
    private static TcpSocket connectRetrying(TcpLab t, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return TcpSocket.connect(t.stack, t.kernel(port), 5000);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
                CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
            }
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
}
