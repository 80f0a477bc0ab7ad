package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.tls.TlsFiles;

/**
 * The shared secret is no offline oracle: a stranger who dials a {@code --secret} listener and
 * completes TLS (any certificate passes in this mode) but proves nothing receives no byte of the
 * listener's proof, so it has nothing to test guesses against. Real sockets on loopback, our
 * listener code, a hand-made connector.
 */
class PuppetSecretTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        Lab.exec(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("stranger.key").toString(), "-out", dir.resolve("stranger.pem").toString(), "-days", "2",
                "-subj", "/CN=stranger"));
        Files.writeString(dir.resolve("secret"), "correct horse battery staple\n");
    }

    @Test
    void aConnectorThatProvesNothingGetsNoProofFromTheListener() throws Exception {
        PuppetTls listener = PuppetTls.of(dir.resolve("secret"), null, null, null);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FutureTask<IOException> served = new FutureTask<>(() -> {
                try (Socket c = server.accept()) {
                    listener.wrap(c, false).close();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.ofPlatform().name("listener").start(served);
            SSLContext stranger = SSLContext.getInstance("TLSv1.3");
            stranger.init(TlsFiles.keyManagers(dir.resolve("stranger.key"), dir.resolve("stranger.pem")), new TrustManager[] {new PuppetTls.AnyPeer()}, null);
            byte[] got;
            try (SSLSocket s = (SSLSocket) stranger.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.setSoTimeout(30_000);
                s.startHandshake();
                s.shutdownOutput(); // close_notify: no proof will come from us
                got = readToEnd(s.getInputStream());
            }
            assertEquals(0, got.length, "the listener sent " + got.length + " bytes (its proof) to a connector that proved nothing");
            IOException why = served.get(30, TimeUnit.SECONDS);
            assertTrue(why instanceof PuppetProtocolException && why.getMessage().contains("instead of proving"), String.valueOf(why));
        }
    }

    /** The file and its mode are checked through the command line (PuppetSecretFlagsTest); here, what is in it. */
    @Test
    void generatedSecretsDifferAndDrawNoWarning() throws Exception {
        Path one = dir.resolve("generated-1");
        Path two = dir.resolve("generated-2");
        PuppetTls.generateSecret(one);
        PuppetTls.generateSecret(two);
        assertNull(PuppetTls.of(one, null, null, null).warning());
        assertNotEquals(Files.readString(one), Files.readString(two));
    }

    @Test
    void aShortSecretDrawsAWarning() throws Exception {
        Path f = dir.resolve("short");
        Files.writeString(f, "hunter22\n");
        String warning = PuppetTls.of(f, null, null, null).warning();
        assertTrue(warning != null && warning.contains("--gen-secret") && warning.contains(f.toString()), String.valueOf(warning));
    }

    /** Everything the peer sends until it closes (a reset or TLS error after close ends it too). */
    private static byte[] readToEnd(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
            }
        } catch (SSLException | java.net.SocketException e) {
            // the listener hung up
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
