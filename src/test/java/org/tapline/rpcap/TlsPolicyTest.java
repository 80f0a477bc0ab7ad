package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * {@code rpcapd -S} against OpenSSL's s_client: a CBC/SHA-1 suite over TLS 1.2 gets no handshake,
 * a TLS 1.2 renegotiation the client starts ("R" on s_client's input) is refused, and TLS 1.2
 * with an AEAD suite and TLS 1.3 still work.
 */
@ExtendWith(LabExtension.class)
class TlsPolicyTest {
    private static String startDaemon(Lab lab, Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Lab.exec(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=tapline-test", "-days", "1"));
        String ns = lab.netns("tlspol");
        Daemon.start(lab, ns, "-n", "-S", "-K", key.toString(), "-X", cert.toString(), "-b", "127.0.0.1", "-p", "2002");
        return ns;
    }

    /** Runs s_client with {@code args}, input closed: its whole output once it exits. */
    private static String sClient(Lab lab, String ns, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:2002"));
        cmd.addAll(List.of(args));
        Process p = lab.start(ns, cmd.toArray(new String[0]));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8);
    }

    @Test
    void cbcAndSha1SuitesAreRefusedAndAeadOnesWork(Lab lab, @TempDir Path dir) throws Exception {
        String ns = startDaemon(lab, dir);
        String cbc = sClient(lab, ns, "-tls1_2", "-cipher", "AES128-SHA");
        assertFalse(cbc.contains("Cipher is AES128-SHA"), cbc);
        assertTrue(cbc.contains("alert handshake failure") || cbc.contains("Cipher is (NONE)"), cbc);
        String ecdheCbc = sClient(lab, ns, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA");
        assertTrue(ecdheCbc.contains("Cipher is (NONE)") || ecdheCbc.contains("alert handshake failure"), ecdheCbc);
        String gcm = sClient(lab, ns, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");
        assertTrue(gcm.contains("Cipher is ECDHE-RSA-AES128-GCM-SHA256"), gcm);
        String tls13 = sClient(lab, ns, "-tls1_3");
        assertTrue(tls13.contains("TLSv1.3"), tls13);
    }

    @Test
    void clientInitiatedRenegotiationIsRefused(Lab lab, @TempDir Path dir) throws Exception {
        String ns = startDaemon(lab, dir);
        Process p = lab.start(ns, "openssl", "s_client", "-connect", "127.0.0.1:2002", "-tls1_2");
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), seen));
        Thread.ofPlatform().daemon().start(() -> copy(p.getErrorStream(), seen));
        await(seen, "Verify return code", 20);
        OutputStream in = p.getOutputStream();
        in.write("R\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        await(seen, "RENEGOTIATING", 20);
        // The server answers the new ClientHello with a fatal alert and the connection ends; input stays open,
        // so a renegotiation that went through would leave s_client running.
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "s_client still connected after renegotiating: " + text(seen));
        assertTrue(text(seen).contains("alert"), text(seen));
    }

    private static void copy(InputStream from, ByteArrayOutputStream to) {
        byte[] b = new byte[4096];
        try {
            for (int n = from.read(b); n >= 0; n = from.read(b)) {
                synchronized (to) {
                    to.write(b, 0, n);
                }
            }
        } catch (java.io.IOException ignored) {
            // s_client ended
        }
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static void await(ByteArrayOutputStream b, String what, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!text(b).contains(what)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + what + "' from s_client within " + seconds + " s: " + text(b));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }
}
