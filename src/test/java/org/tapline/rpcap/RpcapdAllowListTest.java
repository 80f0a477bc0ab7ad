package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * Issue 10, items 1 and 9: the allow-list is checked as soon as a connection is accepted,
 * before the daemon reads a byte or starts a TLS handshake, and the refusal names none of the
 * allowed hosts. The client here sends nothing at all and still hears the refusal.
 */
@ExtendWith(LabExtension.class)
class RpcapdAllowListTest {
    /** An allowed name that does not resolve: the reference's refusal text would name it. */
    private static final String SECRET_NAME = "capture-box.invalid";

    @Test
    void aStrangerIsRefusedBeforeSendingAnythingAndLearnsNoHostName(Lab lab) throws Exception {
        String ns = lab.netns("allow");
        Daemon d = Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002", "-l", SECRET_NAME + ",127.0.0.3");
        lab.inNetns(ns, () -> {
            try (Socket s = new Socket("127.0.0.1", 2002)) {
                s.setSoTimeout(10_000);
                TestClient.Message m = TestClient.read(new DataInputStream(s.getInputStream()));
                assertEquals(Rpcap.MSG_ERROR, m.type());
                assertEquals(Rpcap.ERR_HOSTNOAUTH, m.value(), m.text());
                assertEquals("The host is not in the allowed host list. Connection refused.", m.text());
                assertFalse(m.text().contains(SECRET_NAME));
                assertEquals(-1, s.getInputStream().read(), "closed after the refusal");
            }
            return null;
        });
        assertTrue(d.await("connection refused: 127.0.0.1:").contains("not in the allowed host list"));
    }

    @Test
    void aStrangerGetsATlsAlertInsteadOfAHandshake(Lab lab, @TempDir Path dir) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Lab.exec(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=tapline-test", "-days", "1"));
        String ns = lab.netns("allowtls");
        Daemon d = Daemon.start(lab, ns, "-n", "-S", "-K", key.toString(), "-X", cert.toString(), "-b", "127.0.0.1", "-p", "2002",
                "-l", "127.0.0.3");
        lab.inNetns(ns, () -> {
            try (Socket s = new Socket("127.0.0.1", 2002)) {
                s.setSoTimeout(10_000);
                byte[] alert = new DataInputStream(s.getInputStream()).readNBytes(7);
                assertArrayEquals(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 49}, alert, "a fatal access_denied alert, unasked");
            }
            // The default trust store: the alert comes before any certificate could be checked.
            try (SSLSocket s = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", 2002)) {
                s.setSoTimeout(10_000);
                SSLException e = assertThrows(SSLException.class, s::startHandshake);
                assertTrue(e.getMessage().contains("access_denied"), e.getMessage());
            }
            return null;
        });
        d.await("connection refused: 127.0.0.1:");
        assertFalse(String.join("\n", d.log).contains("TLS handshake"), "no handshake was started: " + d.log);
    }
}
