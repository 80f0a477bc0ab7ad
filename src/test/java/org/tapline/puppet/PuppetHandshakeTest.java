package org.tapline.puppet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.puppet.PuppetFaultTest.MASTER;
import static org.tapline.puppet.PuppetFaultTest.PORT;
import static org.tapline.puppet.PuppetFaultTest.WAIT_SECONDS;
import static org.tapline.puppet.PuppetFaultTest.pingWorks;
import static org.tapline.puppet.PuppetFaultTest.run;
import static org.tapline.puppet.PuppetFaultTest.startMaster;
import static org.tapline.puppet.PuppetLabTest.topology;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * Handshakes under a deadline and off the accept loop: a silent connection to a listening master
 * does not keep the real puppet out, a trickling one is cut at the deadline, and a dialler whose
 * handshake a listener stalls tries again.
 */
@ExtendWith({LabExtension.class, PuppetLabTest.ShowOutputs.class})
class PuppetHandshakeTest {

    @Test
    void aSilentConnectionDoesNotKeepTheRealPuppetOut(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2]);
        // A stranger on the gateway connects and says nothing, as a port scanner or a slowloris would.
        Socket silent = lab.inNetns(ns[1], () -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(MASTER, PORT), 5_000);
            return s;
        });
        try {
            String stranger = "/10.61.0.1:" + silent.getLocalPort(); // the gateway's end of veth-x
            master.await("connection from " + stranger);
            Watched puppet = run(lab, ns[1], "-c", MASTER + ":" + PORT, "-i", "veth-g");
            master.await("tapline mode");
            List<String> before = new ArrayList<>();
            for (String l : master.lines()) {
                if (l.contains("tapline mode")) {
                    break;
                }
                before.add(l);
            }
            assertTrue(before.stream().noneMatch(l -> l.contains("no handshake")),
                    "the puppet was served while the silent connection was still held:\n" + master.text());
            pingWorks(lab, ns[2]);
            master.await("refused a connection: no handshake with " + stranger + " within " + Endpoint.HANDSHAKE_SECONDS + " s");
            assertEquals(-1, silent.getInputStream().read(), "the master closed the silent connection");
            master.signal("TERM");
            assertEquals(0, master.exit(), master.text());
            assertEquals(0, puppet.exit(), puppet.text());
        } finally {
            silent.close();
        }
    }

    /**
     * A stranger trickling the handshake, a byte every 2 s: the deadline is 10 s from the
     * connection in all, not per read, so the master closes it before the 6 bytes of the version
     * and link type are through (and it never becomes the puppet).
     */
    @Test
    void aTricklingHandshakeIsCutAtTheDeadlineInAll(Lab lab) throws Exception {
        String[] ns = topology(lab);
        Watched master = startMaster(lab, ns[2]);
        byte[] handshake = java.nio.ByteBuffer.allocate(6).putInt(PuppetWire.VERSION_03).putShort((short) PuppetWire.ARPHRD_ETHER).array();
        int sent = lab.inNetns(ns[1], () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(MASTER, PORT), 5_000);
                CountDownLatch closed = new CountDownLatch(1);
                Thread.ofVirtual().start(() -> {
                    try {
                        while (s.getInputStream().read() >= 0) {
                            // the master sends nothing before the link type
                        }
                    } catch (java.io.IOException reset) {
                        // closed too
                    }
                    closed.countDown();
                });
                int n = 0;
                // The pace is the wait for the master's close: one byte each time it has not come within 2 s.
                try {
                    while (n < handshake.length && !closed.await(2, TimeUnit.SECONDS)) {
                        s.getOutputStream().write(handshake[n]);
                        n++;
                    }
                } catch (java.io.IOException reset) {
                    // the master closed it as we wrote
                }
                assertTrue(closed.await(WAIT_SECONDS, TimeUnit.SECONDS), "the master never closed the trickling connection");
                return n;
            }
        });
        assertTrue(sent < handshake.length, "the whole handshake went through: " + sent + " bytes\n" + master.text());
        master.await("no handshake with /10.61.0.1:");
        assertFalse(master.text().contains("allocated interface"), master.text());
        master.signal("TERM");
        assertEquals(0, master.exit(), master.text());
    }

    @Test
    void aDiallerWhoseTlsHandshakeIsStalledTriesAgain(Lab lab) throws Exception {
        String ns = lab.netns("solo");
        lab.veth(ns, "veth-g", ns, "veth-l");
        Path secret = Files.createTempFile("tapline-secret", "");
        Files.writeString(secret, "a stalled listener never sees this 7f3a9c1e5b\n");
        CountDownLatch listening = new CountDownLatch(1);
        CountDownLatch secondConnection = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FutureTask<Integer> stall = lab.startInNetns(ns, () -> {
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress("127.0.0.1", PORT));
                listening.countDown();
                server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                try (Socket first = server.accept(); Socket second = server.accept()) {
                    secondConnection.countDown();
                    // Neither gets a byte: the ClientHello stays unanswered until the test ends.
                    assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
                    return 2;
                }
            }
        });
        try {
            assertTrue(listening.await(WAIT_SECONDS, TimeUnit.SECONDS));
            Watched us = run(lab, ns, "-m", "-c", "127.0.0.1:" + PORT, "-I", "puppet0", "--secret", secret.toString());
            String retry = us.await("trying again in 1 s");
            assertTrue(retry.startsWith("tapline puppet: "), retry);
            assertTrue(secondConnection.await(WAIT_SECONDS, TimeUnit.SECONDS), "no second connection:\n" + us.text());
            us.awaitCount("connected to ", 2); // the second attempt's handshake: stopped by SIGTERM
            us.signal("TERM");
            assertEquals(0, us.exit(), us.text());
            release.countDown();
            assertEquals(2, stall.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            Files.deleteIfExists(secret);
        }
    }
}
