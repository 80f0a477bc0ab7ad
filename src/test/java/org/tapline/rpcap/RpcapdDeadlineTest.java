package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * Issue 10, item 2: deadlines that hold however slowly a client sends. A client trickles one
 * byte every half second: a per-read timeout never fires on it, an absolute deadline does. The
 * slack on top of each deadline is generous: it tells "cut at the deadline" from "never cut".
 */
@ExtendWith(LabExtension.class)
class RpcapdDeadlineTest {
    private static final long SLACK_SECONDS = 7;

    @Test
    void aClientTricklingItsLoginIsCutAtTheAuthDeadline(Lab lab) throws Exception {
        String ns = lab.netns("trickle");
        Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002", "--auth-timeout", "3");
        lab.inNetns(ns, () -> {
            try (Socket s = new Socket("127.0.0.1", 2002)) {
                long t0 = System.nanoTime();
                // An AUTH_REQ announcing 1,000 bytes of payload, then sent one byte at a time: 500 s at this pace.
                byte[] header = ByteBuffer.allocate(8).put((byte) 0).put((byte) Rpcap.MSG_AUTH_REQ).putShort((short) 0).putInt(1000).array();
                s.getOutputStream().write(header);
                TestClient.Message m = readWhileTrickling(s, 3 + SLACK_SECONDS);
                long took = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("RpcapdDeadlineTest: a trickling login was cut after " + took + " ms (--auth-timeout 3)");
                assertEquals(Rpcap.MSG_ERROR, m.type());
                assertEquals(Rpcap.ERR_INITTIMEOUT, m.value(), m.text());
                assertEquals(-1, s.getInputStream().read(), "closed after the error");
            }
            return null;
        });
    }

    @Test
    void aRequestBegunDuringACaptureMustEndWithinTheMessageDeadline(Lab lab) throws Exception {
        String ns = lab.netns("partial");
        Daemon.start(lab, ns, "-n", "-b", "127.0.0.1", "-p", "2002", "--message-timeout", "2");
        lab.inNetns(ns, () -> {
            try (TestClient c = new TestClient("127.0.0.1", 2002)) {
                c.authNull();
                c.open("lo");
                TestClient.Message start = c.startCapture("icmp", 262144, false);
                assertEquals(Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY, start.type(), start.text());
                // While a capture runs the control connection has no read timeout at all: a request
                // begun and never finished held the session (and its capture) for ever. FINDALLIF
                // announcing 1,000 bytes of payload (discarded), then sent one byte at a time.
                long t0 = System.nanoTime();
                byte[] header = ByteBuffer.allocate(8).put((byte) 0).put((byte) Rpcap.MSG_FINDALLIF_REQ).putShort((short) 0).putInt(1000).array();
                c.control.getOutputStream().write(header);
                TestClient.Message m = readWhileTrickling(c.control, 2 + SLACK_SECONDS);
                long took = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("RpcapdDeadlineTest: a trickled request during a capture was cut after " + took + " ms (--message-timeout 2)");
                assertEquals(Rpcap.MSG_ERROR, m.type());
                assertEquals(Rpcap.ERR_RUNTIMETIMEOUT, m.value(), m.text());
            }
            return null;
        });
    }

    /** Sends a byte every 500 ms on {@code s} while waiting up to {@code seconds} for the daemon's next message. */
    private static TestClient.Message readWhileTrickling(Socket s, long seconds) throws IOException {
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        OutputStream out = s.getOutputStream();
        pace.scheduleAtFixedRate(() -> {
            try {
                out.write(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
        try {
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(seconds));
            try {
                return TestClient.read(new DataInputStream(s.getInputStream()));
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("still connected " + seconds + " s later: the deadline never cut the trickling client");
            }
        } finally {
            pace.shutdownNow();
        }
    }
}
