package org.tapline.rpcap;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Runs one control connection: reads each request (header, the payload bytes worth reading,
 * and a discard of the rest, so the stream stays in sync whatever {@code plen} says), hands it
 * to the {@link ServerSession} and writes the replies. Deadlines: the whole authentication
 * phase must end within {@code authDeadline} from accept (the reference waits forever, Q6; the
 * {@link Guard}'s watchdog holds it however slowly the bytes come); afterwards a request once
 * begun must be complete within the guard's message deadline from its first byte, and an idle
 * session without a capture ends after {@code idleLimit} (the socket's read timeout, set through
 * {@link Timeouts}). A payload is read into a buffer that grows with what has arrived, so a
 * header announcing 128 KiB costs 128 KiB only once the client has sent them.
 *
 * <p>{@code writeLock} guards the output: the capture thread may send an unsolicited ERROR.
 */
final class ControlConnection {
    /** Sets the blocking-read timeout of the connection in milliseconds (0: none). */
    interface Timeouts {
        void readTimeout(int millis) throws IOException;
    }

    /**
     * The connection's admission: the watchdog (armed by the handler for the authentication, by
     * this loop for each request after it), the per-request bound, the move from pre-auth to
     * session at login, and where a refused login is logged.
     */
    record Guard(Watchdog deadline, Duration messageDeadline, Login login, Consumer<String> refused) {}

    /** Takes a session slot at login, or says why there is none. */
    interface Login {
        void promote() throws Admission.Full;
    }

    private static final int DISCARD_CHUNK = 32 * 1024;
    /** A payload buffer starts this small and doubles as bytes arrive. */
    private static final int FIRST_CHUNK = 512;
    /** The most asked of one socket read: the JDK stages each read in a direct buffer of the asked size. */
    private static final int READ_CHUNK = 16 * 1024;
    /** The largest {@code plen} read (and discarded) rather than treated as an attack. */
    static final long MAX_PLEN = 16L << 20;

    private final DataInputStream in;
    private final PushbackInputStream pushback;
    private final OutputStream out;
    private final Timeouts timeouts;
    private final Duration authDeadline;
    private final Duration idleLimit;
    private final Guard guard;
    private final ReentrantLock writeLock = new ReentrantLock();
    private ServerSession session;

    ControlConnection(InputStream in, OutputStream out, Timeouts timeouts, Duration authDeadline, Duration idleLimit, Guard guard) {
        this.guard = guard;
        this.pushback = new PushbackInputStream(in, Rpcap.HEADER);
        this.in = new DataInputStream(pushback);
        this.out = out;
        this.timeouts = timeouts;
        this.authDeadline = authDeadline;
        this.idleLimit = idleLimit;
    }

    /** Sends a message from another thread (the capture's unsolicited ERROR). */
    void sendAsync(byte[] message) {
        try {
            send(message);
        } catch (IOException ignored) {
            // the control connection is going away; its own loop notices
        }
    }

    void send(byte[] message) throws IOException {
        writeLock.lock();
        try {
            out.write(message);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** Serves requests until CLOSE, a fatal error, EOF or a deadline. */
    void serve(ServerSession s) throws IOException {
        try {
            loop(s);
        } catch (IOException e) {
            if (!guard.deadline().fired()) {
                throw e;
            }
            timedOut(s);
        } finally {
            s.end();
        }
    }

    private void loop(ServerSession s) throws IOException {
        this.session = s;
        long authEnd = System.nanoTime() + authDeadline.toNanos();
        try {
            while (true) {
                RpcapHeader h;
                try {
                    h = readHeader(s, authEnd);
                } catch (SocketTimeoutException e) {
                    send(Replies.error(Rpcap.VERSION, Rpcap.ERR_INITTIMEOUT, "The RPCAP initial timeout has expired"));
                    return;
                }
                if (h == null) {
                    if (guard.deadline().fired()) {
                        timedOut(s);
                    }
                    return;
                }
                if (h.version() != Rpcap.VERSION) {
                    // A version error ends the session; its payload is not worth reading.
                    ServerSession.Reply r = s.handle(h, new byte[0]);
                    for (byte[] m : r.messages()) {
                        send(m);
                    }
                    return;
                }
                if (h.plen() > MAX_PLEN) {
                    // Not worth reading through: the peer is not a well-behaved RPCAP client.
                    send(Replies.error(Rpcap.VERSION, Rpcap.ERR_WRONGMSG, "Message payload of " + h.plen()
                            + " bytes is larger than the " + MAX_PLEN + "-byte limit"));
                    return;
                }
                long want = ServerSession.payloadToRead(h.type(), h.plen());
                byte[] payload = readPayload((int) want);
                discard(h.plen() - want);
                if (h.type() == Rpcap.MSG_STARTCAP_REQ) {
                    payload = withStrayInstruction(payload);
                }
                boolean wasIn = s.authenticated();
                if (wasIn && !guard.deadline().disarm()) {
                    timedOut(s);
                    return;
                }
                ServerSession.Reply r = s.handle(h, payload);
                if (!wasIn && s.authenticated() && !loggedIn(s)) {
                    return;
                }
                for (byte[] m : r.messages()) {
                    send(m);
                }
                ServerSession.Capture c = s.pendingCapture();
                if (c != null && h.type() == Rpcap.MSG_STARTCAP_REQ && r.messages().size() == 1
                        && r.messages().getFirst()[1] == (byte) (Rpcap.MSG_STARTCAP_REQ | Rpcap.REPLY)) {
                    try {
                        c.begin();
                    } catch (IOException e) {
                        s.abortCapture();
                        send(Replies.error(Rpcap.VERSION, Rpcap.ERR_STARTCAPTURE, e.getMessage()));
                    }
                }
                if (r.close()) {
                    return;
                }
                if (!r.pauseAfter().isZero()) {
                    pause(r.pauseAfter());
                }
            }
        } catch (EOFException e) {
            // the client went away, or the watchdog cut it off (serve() tells the two apart)
            if (guard.deadline().fired()) {
                throw e;
            }
        }
    }

    /**
     * The login succeeded: the authentication deadline stops and the connection takes a session
     * slot. Without one the session ends with an error instead of the AUTH_REPLY; false then.
     */
    private boolean loggedIn(ServerSession s) throws IOException {
        if (!guard.deadline().disarm()) {
            s.end();
            timedOut(s);
            return false;
        }
        try {
            guard.login().promote();
            return true;
        } catch (Admission.Full f) {
            guard.refused().accept(f.getMessage());
            s.end();
            send(Replies.error(Rpcap.VERSION, Rpcap.ERR_AUTH, f.getMessage()));
            return false;
        }
    }

    /** The deadline passed: the error the reference sends for its timeouts, if the peer still reads. */
    private void timedOut(ServerSession s) {
        sendAsync(s.authenticated()
                ? Replies.error(Rpcap.VERSION, Rpcap.ERR_RUNTIMETIMEOUT, "The RPCAP run-time timeout has expired: a request was not complete in time")
                : Replies.error(Rpcap.VERSION, Rpcap.ERR_INITTIMEOUT, "The RPCAP initial timeout has expired"));
    }

    /** Reads {@code want} bytes into a buffer that grows with what has arrived (never more than twice it). */
    private byte[] readPayload(int want) throws IOException {
        byte[] buf = new byte[Math.min(want, FIRST_CHUNK)];
        int n = 0;
        while (n < want) {
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(want, 2L * buf.length));
            }
            int r = in.read(buf, n, Math.min(buf.length - n, READ_CHUNK));
            if (r < 0) {
                throw new EOFException();
            }
            n += r;
        }
        return buf;
    }

    /**
     * libpcap clients whose application set no filter send STARTCAP with {@code plen} counted
     * for zero instructions but one RET instruction after it (PR libpcap#1577, docs/RPCAP.md §6 Q14).
     * The reference then reads that instruction as a CLOSE header and drops the client; here the
     * 8 bytes are taken back into the request when they are exactly such a RET, so the capture
     * starts as the user wanted. Anything else is pushed back untouched.
     */
    private byte[] withStrayInstruction(byte[] payload) throws IOException {
        int filterAt = 12;
        if (payload.length != filterAt + 8 || java.nio.ByteBuffer.wrap(payload).getInt(filterAt + 4) != 1) {
            return payload;
        }
        byte[] next = new byte[8];
        int n = in.readNBytes(next, 0, 8);
        boolean ret = n == 8 && next[0] == 0 && next[1] == RET_K && next[2] == 0 && next[3] == 0;
        if (!ret) {
            pushback.unread(next, 0, n);
            return payload;
        }
        byte[] whole = java.util.Arrays.copyOf(payload, payload.length + 8);
        System.arraycopy(next, 0, whole, payload.length, 8);
        return whole;
    }

    /** BPF_RET|BPF_K, the one instruction of the empty expression's program. */
    private static final byte RET_K = 0x06;

    private RpcapHeader readHeader(ServerSession s, long authEnd) throws IOException {
        int timeout;
        if (!s.authenticated()) {
            long left = (authEnd - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            timeout = (int) Math.min(left, Integer.MAX_VALUE);
        } else {
            timeout = s.capturing() ? 0 : (int) idleLimit.toMillis();
        }
        timeouts.readTimeout(timeout);
        int first = in.read();
        if (first < 0) {
            return null;
        }
        if (s.authenticated()) {
            // From its first byte a request has a bounded time to arrive in full, even while a
            // capture runs (when there is no read timeout at all).
            guard.deadline().arm(guard.messageDeadline());
        }
        byte[] rest = new byte[Rpcap.HEADER - 1];
        in.readFully(rest);
        byte[] all = new byte[Rpcap.HEADER];
        all[0] = (byte) first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return RpcapHeader.parse(all);
    }

    private void discard(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(Math.min(n, DISCARD_CHUNK));
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
