package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.stack.service.TcpChargen;
import org.tapline.stack.service.TcpService;

/** The socket API's errors and options, and the chargen service, with the kernel as the peer. */
@ExtendWith(LabExtension.class)
class TcpSocketLabTest {
    /** A read that waits past SO_TIMEOUT throws; SO_LINGER 0 makes close a RST the kernel sees. */
    @Test
    void readTimesOutAndLingerZeroResets(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "tso", "10.94.0", null);
             TcpServerSocket server = TcpServerSocket.listen(t.stack, 5010, 8)) {
            Process client = lab.start(t.ns, "socat", "-u", "TCP:" + t.stackIp + ":5010,shut-none", "STDOUT");
            server.setSoTimeout(30_000);
            TcpSocket s = server.accept();
            s.setSoTimeout(200);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> s.read(java.nio.ByteBuffer.allocate(10)));
            assertEquals("Read timed out", e.getMessage());
            s.setOption(StandardSocketOptions.SO_LINGER, 0);
            assertEquals(0, s.getOption(StandardSocketOptions.SO_LINGER));
            s.close();
            assertTrue(client.waitFor(30, TimeUnit.SECONDS));
            // socat takes ECONNRESET as an end of input; the kernel's MIB counts the reset
            assertEquals(1, kernelTcpCounter(lab, t.ns, "EstabResets"), t.report());
            assertTrue(t.stack.host().tcp().counters().outRsts >= 1);
        }
    }

    /** A field of the Tcp: lines of the namespace's /proc/net/snmp (RFC 4022 names). */
    private static long kernelTcpCounter(Lab lab, String ns, String name) throws IOException {
        String[] tcp = lab.run(ns, "cat", "/proc/net/snmp").lines().filter(l -> l.startsWith("Tcp:"))
                .toArray(String[]::new);
        java.util.List<String> names = java.util.List.of(tcp[0].split(" "));
        return Long.parseLong(tcp[1].split(" ")[names.indexOf(name)]);
    }

    private static String kernelTcpCounterText(Lab lab, String ns) {
        try {
            return "kernel OutRsts " + kernelTcpCounter(lab, ns, "OutRsts");
        } catch (IOException x) {
            return x.toString();
        }
    }

    /** The kernel closes with our data unread: a RST, which the next read reports as "Connection reset". */
    @Test
    void aResetFromTheKernelIsConnectionReset(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "tsr", "10.94.1", null)) {
            lab.start(t.ns, "socat", "TCP-LISTEN:5011,reuseaddr,linger=0,shut-none", "SYSTEM:sleep 0.5");
            TcpSocket s = t.connect(5011);
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertEquals(true, s.getOption(StandardSocketOptions.TCP_NODELAY));
            s.getOutputStream().write(new byte[100]);
            s.setSoTimeout(30_000);
            // socat shuts its side down (FIN) before its close with SO_LINGER 0 sends the RST
            java.io.InputStream in = s.getInputStream();
            SocketException e = assertThrows(SocketException.class, () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    if (in.read() < 0) {
                        java.util.concurrent.CompletableFuture.runAsync(() -> { },
                                java.util.concurrent.CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)).join();
                    }
                }
            }, () -> t.report() + kernelTcpCounterText(lab, t.ns));
            assertEquals("Connection reset", e.getMessage());
            s.close();
        }
    }

    /** A SYN nobody answers (an address on the link with no host) ends in SocketTimeoutException. */
    @Test
    void connectTimesOut(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "tst", "10.94.3", null)) {
            java.net.InetSocketAddress nobody = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("10.94.3.200"), 80);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> TcpSocket.connect(t.stack, nobody, 300));
            assertEquals("Connect timed out", e.getMessage());
            t.stack.lock().lock();
            try {
                assertEquals(0, t.stack.host().tcp().connectionCount(), "the attempt is dropped");
            } finally {
                t.stack.lock().unlock();
            }
        }
    }

    /** RFC 864's pattern, as the kernel reads it from the stack's chargen. */
    @Test
    void chargenSendsItsPattern(Lab lab) throws Exception {
        try (TcpLab t = new TcpLab(lab, "tsg", "10.94.2", null);
             TcpService chargen = TcpChargen.start(t.stack, 19)) {
            String got = lab.run(t.ns, "bash", "-c", "socat -u TCP:" + t.stackIp + ":19 - 2>/dev/null | head -c 148");
            StringBuilder want = new StringBuilder();
            for (int line = 0; line < 2; line++) {
                for (int i = 0; i < 72; i++) {
                    want.append((char) (' ' + (line + i) % 95));
                }
                want.append("\r\n");
            }
            assertEquals(want.toString(), got);
        }
    }
}
