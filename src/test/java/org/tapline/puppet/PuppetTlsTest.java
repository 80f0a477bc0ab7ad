package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetFaultTest.MASTER;
import static org.tapline.puppet.PuppetFaultTest.PORT;
import static org.tapline.puppet.PuppetFaultTest.run;
import static org.tapline.puppet.PuppetFaultTest.assertNoStackTrace;
import static org.tapline.puppet.PuppetFaultTest.pingWorks;
import static org.tapline.puppet.PuppetFaultTest.startMaster;
import static org.tapline.puppet.PuppetLabTest.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * TLS between two tapline ends, over the lab topology: a shared secret (a different one ends the
 * connector with status 4 while the listener refuses it and listens on; the same one passes), and
 * certificates (signed by anyone but the CA both ends name: refused; signed by it: accepted).
 * The certificates are made once with openssl: a CA, a leaf for each end, and a self-signed one.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetTlsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "2", "-subj", "/CN=tapline test CA");
        for (String leaf : List.of("master", "puppet")) {
            openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", leaf + ".key",
                    "-out", leaf + ".csr", "-subj", "/CN=" + leaf);
            openssl("x509", "-req", "-in", leaf + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", leaf + ".pem", "-days", "2");
        }
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "rogue.key",
                "-out", "rogue.pem", "-days", "2", "-subj", "/CN=rogue");
        assertTrue(Files.readString(dir.resolve("puppet.key")).contains("BEGIN PRIVATE KEY"), "openssl writes PKCS#8 keys");
        Files.writeString(dir.resolve("secret"), "correct horse battery staple\n");
        Files.writeString(dir.resolve("other-secret"), "incorrect donkey battery staple\n");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + "\n" + out);
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void aDifferentSharedSecretEndsTheConnectorWhileTheListenerListensOnForTheRightOne(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2], "--secret", file("secret"));
        Watched wrong = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g", "--secret", file("other-secret"));
        assertEquals(4, wrong.exit(), wrong.text());
        assertTrue(wrong.lines().stream().anyMatch(l -> l.startsWith("tapline puppet: ") && l.contains("shared secret")),
                "a line says the secret is wrong:\n" + wrong.text());
        assertNoStackTrace(wrong);
        assertTrue(master.await("refused a connection").contains("shared secret"), master.text());
        master.awaitCount("waiting for a connection on port " + PORT, 2);

        Watched right = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g", "--secret", file("secret"));
        master.await("tapline mode");
        assertTrue(master.text().contains("TLS session with"), master.text());
        assertTrue(right.text().contains("TLS session with"), right.text());
        pingWorks(lab, ns[2]);
    }

    @Test
    void onlyCertificatesSignedByTheCaPass(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2], "--tls-cert", file("master.pem"), "--tls-key", file("master.key"), "--tls-ca", file("ca.pem"));
        // The rogue trusts the master's CA, so the master is the one that must say no.
        Watched rogue = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g",
                "--tls-cert", file("rogue.pem"), "--tls-key", file("rogue.key"), "--tls-ca", file("ca.pem"));
        assertTrue(master.await("refused a connection").contains("TLS"), master.text());
        assertEquals(4, rogue.exit(), rogue.text());
        assertTrue(rogue.lines().stream().anyMatch(l -> l.startsWith("tapline puppet: TLS")), "a line says TLS failed:\n" + rogue.text());
        assertNoStackTrace(rogue);
        assertFalse(master.text().contains("allocated interface"), master.text());
        master.awaitCount("waiting for a connection on port " + PORT, 2);

        run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g",
                "--tls-cert", file("puppet.pem"), "--tls-key", file("puppet.key"), "--tls-ca", file("ca.pem"));
        master.await("tapline mode");
        assertTrue(master.text().contains("TLS session with"), master.text());
        pingWorks(lab, ns[2]);
    }

    /**
     * In certificate mode the CA alone lets any certificate it signed play either role:
     * {@code --tls-peer-cn} binds one. The master's own certificate (same CA, CN=master) dialling
     * as a puppet is refused; the puppet's (CN=puppet), checking the master's CN in turn, passes.
     */
    @Test
    void withTlsPeerCnACertificateOfTheCaForAnotherNameIsRefused(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2], "--tls-cert", file("master.pem"), "--tls-key", file("master.key"), "--tls-ca", file("ca.pem"),
                "--tls-peer-cn", "puppet");
        Watched impostor = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g",
                "--tls-cert", file("master.pem"), "--tls-key", file("master.key"), "--tls-ca", file("ca.pem"));
        assertTrue(master.await("refused a connection").contains("CN=master, not puppet"), master.text());
        assertEquals(4, impostor.exit(), impostor.text());
        assertNoStackTrace(impostor);
        assertFalse(master.text().contains("allocated interface"), master.text());
        master.awaitCount("waiting for a connection on port " + PORT, 2);

        run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g", "--tls-cert", file("puppet.pem"), "--tls-key", file("puppet.key"),
                "--tls-ca", file("ca.pem"), "--tls-peer-cn", "master");
        master.await("tapline mode");
        pingWorks(lab, ns[2]);
    }

    /**
     * TLS on one end only: a plain master dialling a TLS puppet hears TLS's alert at once and says
     * the peer speaks TLS (not "closed in the middle of a message" after the handshake's 10 s),
     * while the puppet refuses the connection and listens on; a TLS master dialling a plain puppet
     * is told the peer does not use TLS, and the puppet that the peer speaks TLS.
     */
    @Test
    void tlsOnOneEndOnlyIsNamedOnBothEnds(Lab lab) throws Exception {
        String[] ns = topology(lab);
        String gw = "10.61.0.1";
        Watched tlsPuppet = run(lab, ns[1], "-s", String.valueOf(PORT), "-i", "veth-g", "--secret", file("secret"));
        tlsPuppet.await("waiting for a connection on port " + PORT);
        Watched plainMaster = run(lab, ns[2], "-m", "-c", gw + ":" + PORT, "-I", "puppet0");
        assertEquals(4, plainMaster.exit(), plainMaster.text());
        assertTrue(plainMaster.lines().stream().anyMatch(l -> l.startsWith("tapline puppet: the peer speaks TLS")
                && l.contains("--secret")), plainMaster.text());
        assertFalse(plainMaster.text().contains("allocated interface"), "no TAP for a TLS peer:\n" + plainMaster.text());
        assertTrue(tlsPuppet.await("refused a connection").contains("does not use TLS"), tlsPuppet.text());
        tlsPuppet.awaitCount("waiting for a connection on port " + PORT, 2);
        tlsPuppet.signal("TERM");
        assertEquals(0, tlsPuppet.exit(), tlsPuppet.text());

        Watched plainPuppet = run(lab, ns[1], "-s", String.valueOf(PORT + 1), "-i", "veth-g");
        plainPuppet.await("waiting for a connection on port " + (PORT + 1));
        Watched tlsMaster = run(lab, ns[2], "-m", "-c", gw + ":" + (PORT + 1), "-I", "puppet0", "--secret", file("secret"));
        assertEquals(4, tlsMaster.exit(), tlsMaster.text());
        assertTrue(tlsMaster.lines().stream().anyMatch(l -> l.startsWith("tapline puppet: TLS") && l.contains("does not use TLS")),
                tlsMaster.text());
        assertEquals(4, plainPuppet.exit(), plainPuppet.text());
        assertTrue(plainPuppet.lines().stream().anyMatch(l -> l.startsWith("tapline puppet: the peer speaks TLS")), plainPuppet.text());
        for (Watched w : List.of(plainMaster, tlsPuppet, plainPuppet, tlsMaster)) {
            assertNoStackTrace(w);
        }
    }

    /** A TLS master listening meets a plain puppet dialling it: both name TLS. */
    @Test
    void aPlainPuppetDiallingATlsMasterIsToldItSpeaksTls(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2], "--secret", file("secret"));
        Watched plain = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
        assertEquals(4, plain.exit(), plain.text());
        assertTrue(plain.lines().stream().anyMatch(l -> l.startsWith("tapline puppet: the peer speaks TLS")), plain.text());
        assertTrue(master.await("refused a connection").contains("does not use TLS"), master.text());
        assertNoStackTrace(plain);
    }
}
