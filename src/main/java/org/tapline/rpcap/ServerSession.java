package org.tapline.rpcap;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.tapline.os.BpfProgram;
import org.tapline.os.PcapDevice;
import org.tapline.os.PcapStats;

/**
 * The server side of one RPCAP control connection as a state machine: it is handed each
 * request (header and the payload bytes read for it) and answers with what to send and whether
 * to close. It never touches a socket; devices and captures are reached through {@link Host}.
 *
 * <p>States: {@code AUTH} → {@code READY} (AUTH_REQ accepted); {@code READY} ⇄ {@code CAPTURING}
 * (STARTCAP / ENDCAP); any → {@code CLOSED} (CLOSE, fatal error). Errors follow the reference
 * (docs/RPCAP.md §4) except where it is unsafe (§6 Q2, Q3, Q4, Q7, Q9, Q13).
 */
public final class ServerSession {
    /** Where the session's requests reach devices and captures. */
    public interface Host {
        List<PcapDevice> devices() throws IOException;

        /** Opens {@code device} briefly to learn its link type. */
        int linkType(String device) throws IOException;

        /** Starts a capture; returns it once the data channel is ready to be announced. */
        Capture start(String device, Requests.StartCapture request) throws IOException, RpcapProtocolException;
    }

    /** A running capture with its data channel. */
    public interface Capture extends AutoCloseable {
        /** The data port to put in STARTCAP_REPLY (0 when the server opened the channel). */
        int port();

        /** The capture buffer size reported to the client. */
        int bufferSize();

        /** Called after STARTCAP_REPLY is sent: waits for the data connection and starts forwarding. */
        void begin() throws IOException;

        void setFilter(BpfProgram program) throws IOException;

        void setSampling(Requests.Sampling sampling);

        PcapStats stats() throws IOException;

        /** Packets handed to the data channel so far. */
        long sent();

        @Override
        void close();
    }

    /** What to do after a request: messages to send in order, then maybe close, after an optional pause. */
    public record Reply(List<byte[]> messages, boolean close, Duration pauseAfter) {
        static Reply of(byte[] m) {
            return new Reply(List.of(m), false, Duration.ZERO);
        }

        static Reply closing(byte[] m) {
            return new Reply(m == null ? List.of() : List.of(m), true, Duration.ZERO);
        }
    }

    /** What a daemon log wants to hear as it happens (the session itself logs nothing). */
    public interface Events {
        /** A login succeeded; {@code user} is null for null authentication. */
        void loggedIn(String user);

        /** A login was refused: {@code user} (null for null authentication) and why. */
        void loginFailed(String user, String reason);

        Events NONE = new Events() {
            @Override
            public void loggedIn(String user) {
            }

            @Override
            public void loginFailed(String user, String reason) {
            }
        };
    }

    enum State { AUTH, READY, CAPTURING, CLOSED }

    private final Authenticator auth;
    private final InetAddress peer;
    private final Host host;
    private final boolean tls;
    private final Events events;
    private State state = State.AUTH;
    /** The logged-in user, null before a login and for null authentication. */
    private String user;
    /** The devices captured from, in order, and the packets all captures handed to their data channels. */
    private final java.util.Set<String> captured = new java.util.LinkedHashSet<>();
    private long packetsSent;
    /** Set when the client ended the session with CLOSE (active mode then stops dialling it). */
    private boolean closedByClient;
    private String device;
    private Capture capture;
    private Requests.Sampling sampling = new Requests.Sampling(Rpcap.SAMP_NOSAMP, 0);
    /** Stats saved at ENDCAP, so STATS stays valid afterwards (the reference answers zeros, Q2). */
    private long[] savedStats = new long[4];

    public ServerSession(Authenticator auth, InetAddress peer, Host host, boolean tls) {
        this(auth, peer, host, tls, Events.NONE);
    }

    public ServerSession(Authenticator auth, InetAddress peer, Host host, boolean tls, Events events) {
        this.auth = auth;
        this.peer = peer;
        this.host = host;
        this.tls = tls;
        this.events = events;
    }

    /** The logged-in user; null before a login and for null authentication. */
    public String user() {
        return user;
    }

    /** The devices this session captured from, in the order of their first capture. */
    public java.util.Set<String> devicesCaptured() {
        return java.util.Collections.unmodifiableSet(captured);
    }

    /** Packets all of this session's captures handed to their data channels. */
    public long packetsSent() {
        return packetsSent + (capture == null ? 0 : capture.sent());
    }

    /** True once the client asked to close (CLOSE after authentication). */
    public boolean closedByClient() {
        return closedByClient;
    }

    public boolean authenticated() {
        return state == State.READY || state == State.CAPTURING;
    }

    public boolean capturing() {
        return state == State.CAPTURING;
    }

    /** The capture to begin after its STARTCAP_REPLY went out, or null. */
    public Capture pendingCapture() {
        return state == State.CAPTURING ? capture : null;
    }

    /** How many payload bytes of a request of this type are worth reading; the rest is discarded. */
    public static long payloadToRead(int type, long plen) {
        long limit = switch (type) {
            case Rpcap.MSG_AUTH_REQ -> Rpcap.MAX_REQUEST_PAYLOAD;
            case Rpcap.MSG_OPEN_REQ -> plen > Rpcap.MAX_SOURCE ? 0 : Rpcap.MAX_SOURCE;
            case Rpcap.MSG_STARTCAP_REQ -> 12 + 8 + 8L * Rpcap.MAX_INSNS;
            case Rpcap.MSG_UPDATEFILTER_REQ -> 8 + 8L * Rpcap.MAX_INSNS;
            case Rpcap.MSG_SETSAMPLING_REQ -> 8;
            case Rpcap.MSG_ERROR -> Rpcap.MAX_ERROR_TEXT;
            default -> 0;
        };
        return Math.min(plen, limit);
    }

    /** Handles one request. {@code payload} holds the first {@link #payloadToRead} bytes of it. */
    public Reply handle(RpcapHeader h, byte[] payload) {
        try {
            return state == State.AUTH ? beforeAuth(h, payload) : afterAuth(h, payload);
        } catch (RpcapProtocolException e) {
            int v = e.code() == Rpcap.ERR_WRONGVER ? h.version() : Rpcap.VERSION;
            byte[] err = Replies.error(v, e.code(), e.getMessage());
            if (e.fatal()) {
                end();
                return Reply.closing(err);
            }
            return Reply.of(err);
        }
    }

    private Reply beforeAuth(RpcapHeader h, byte[] payload) throws RpcapProtocolException {
        if (h.version() != Rpcap.VERSION) {
            throw new RpcapProtocolException(Rpcap.ERR_WRONGVER, "RPCAP version in requests in the authentication phase must be 0", true);
        }
        switch (h.type()) {
            case Rpcap.MSG_AUTH_REQ -> {
                return authenticate(payload);
            }
            case Rpcap.MSG_CLOSE, Rpcap.MSG_ERROR -> {
                end();
                return Reply.closing(null);
            }
            default -> throw wrongMessage(h.type(), " request sent before authentication was completed", false);
        }
    }

    private Reply authenticate(byte[] payload) throws RpcapProtocolException {
        Requests.Auth a = Requests.auth(payload);
        if (a.type() == Rpcap.AUTH_NULL) {
            if (!auth.nullAuthPermitted()) {
                events.loginFailed(null, "null authentication not permitted");
                throw new RpcapProtocolException(Rpcap.ERR_AUTH_FAILED, "Authentication failed; NULL authentication not permitted.");
            }
        } else {
            Authenticator.Outcome o = auth.login(peer, a.user(), a.password());
            java.util.Arrays.fill(a.password(), (byte) 0);
            if (!o.accepted()) {
                events.loginFailed(a.user(), o.reason());
                return new Reply(List.of(Replies.error(Rpcap.VERSION, Rpcap.ERR_AUTH_FAILED, "Authentication failed")), false, o.pause());
            }
            user = a.user();
        }
        state = State.READY;
        events.loggedIn(user);
        return Reply.of(Replies.auth());
    }

    private Reply afterAuth(RpcapHeader h, byte[] payload) throws RpcapProtocolException {
        int v = h.version();
        if (v != Rpcap.VERSION) {
            throw new RpcapProtocolException(Rpcap.ERR_WRONGVER, "RPCAP version in message isn't supported by the server", true);
        }
        return switch (h.type()) {
            case Rpcap.MSG_FINDALLIF_REQ -> findAll(v);
            case Rpcap.MSG_OPEN_REQ -> open(v, payload, h.plen());
            case Rpcap.MSG_STARTCAP_REQ -> startCapture(v, payload);
            case Rpcap.MSG_UPDATEFILTER_REQ -> updateFilter(v, payload);
            case Rpcap.MSG_STATS_REQ -> stats(v);
            case Rpcap.MSG_ENDCAP_REQ -> endCapture(v);
            case Rpcap.MSG_SETSAMPLING_REQ -> setSampling(v, payload);
            case Rpcap.MSG_CLOSE -> {
                closedByClient = true;
                end();
                yield Reply.closing(null);
            }
            case Rpcap.MSG_ERROR -> new Reply(List.of(), false, Duration.ZERO);
            case Rpcap.MSG_AUTH_REQ -> throw wrongMessage(h.type(), " request sent after authentication was completed", true);
            default -> throw wrongMessage(h.type(), "", true);
        };
    }

    private static RpcapProtocolException wrongMessage(int type, String suffix, boolean fatal) {
        String name = Rpcap.typeName(type);
        String text;
        if (Rpcap.serverToClient(type)) {
            text = "Server-to-client message " + name + " received from client";
        } else if (name == null) {
            text = "Unknown message type " + type;
        } else {
            text = name + suffix;
        }
        return new RpcapProtocolException(Rpcap.ERR_WRONGMSG, text, fatal);
    }

    private Reply findAll(int v) throws RpcapProtocolException {
        List<PcapDevice> devices;
        try {
            devices = host.devices();
        } catch (IOException e) {
            throw new RpcapProtocolException(Rpcap.ERR_FINDALLIF, e.getMessage());
        }
        if (devices.isEmpty()) {
            throw new RpcapProtocolException(Rpcap.ERR_NOREMOTEIF, "No interfaces found! Make sure libpcap/WinPcap is properly "
                    + "installed and you have the right to access to the remote device.");
        }
        return Reply.of(Replies.findAllInterfaces(v, devices));
    }

    private Reply open(int v, byte[] payload, long plen) throws RpcapProtocolException {
        String name = Requests.open(payload, plen);
        try {
            int linkType = host.linkType(name);
            device = name;
            return Reply.of(Replies.open(v, linkType));
        } catch (IOException e) {
            throw new RpcapProtocolException(Rpcap.ERR_OPEN, e.getMessage());
        }
    }

    private Reply startCapture(int v, byte[] payload) throws RpcapProtocolException {
        if (device == null) {
            throw new RpcapProtocolException(Rpcap.ERR_STARTCAPTURE, "No capture device was specified");
        }
        if (state == State.CAPTURING) {
            // The reference orphans the running capture (Q9); one capture per session here.
            throw new RpcapProtocolException(Rpcap.ERR_STARTCAPTURE, "A capture is already running; send ENDCAP first");
        }
        Requests.StartCapture req = Requests.startCapture(payload);
        if (tls && (req.flags() & Rpcap.FLAG_DGRAM) != 0) {
            throw new RpcapProtocolException(Rpcap.ERR_STARTCAPTURE, "TLS is not supported with a UDP data channel");
        }
        try {
            capture = host.start(device, req);
        } catch (IOException e) {
            throw new RpcapProtocolException(Rpcap.ERR_STARTCAPTURE, e.getMessage());
        }
        capture.setSampling(sampling);
        captured.add(device);
        state = State.CAPTURING;
        return Reply.of(Replies.startCapture(v, capture.bufferSize(), capture.port()));
    }

    private Reply updateFilter(int v, byte[] payload) throws RpcapProtocolException {
        if (state != State.CAPTURING) {
            throw new RpcapProtocolException(Rpcap.ERR_UPDATEFILTER, "Device not opened. Cannot update filter");
        }
        BpfProgram p = Requests.filter(ByteBuffer.wrap(payload), Rpcap.ERR_UPDATEFILTER);
        try {
            capture.setFilter(p);
        } catch (IOException e) {
            throw new RpcapProtocolException(Rpcap.ERR_UPDATEFILTER, "RPCAP error: " + e.getMessage());
        }
        return Reply.of(Replies.empty(v, Rpcap.MSG_UPDATEFILTER_REQ));
    }

    private Reply stats(int v) throws RpcapProtocolException {
        if (state != State.CAPTURING) {
            return Reply.of(Replies.stats(v, savedStats[0], savedStats[1], savedStats[2], savedStats[3]));
        }
        try {
            PcapStats s = capture.stats();
            return Reply.of(Replies.stats(v, s.received(), s.interfaceDropped(), s.dropped(), capture.sent()));
        } catch (IOException e) {
            throw new RpcapProtocolException(Rpcap.ERR_GETSTATS, e.getMessage());
        }
    }

    private Reply endCapture(int v) throws RpcapProtocolException {
        if (state != State.CAPTURING) {
            throw new RpcapProtocolException(Rpcap.ERR_ENDCAPTURE, "Device not opened. Cannot close the capture");
        }
        stopCapture();
        state = State.READY;
        return Reply.of(Replies.empty(v, Rpcap.MSG_ENDCAP_REQ));
    }

    private Reply setSampling(int v, byte[] payload) throws RpcapProtocolException {
        sampling = Requests.sampling(payload);
        if (capture != null && state == State.CAPTURING) {
            capture.setSampling(sampling);
        }
        return Reply.of(Replies.empty(v, Rpcap.MSG_SETSAMPLING_REQ));
    }

    private void stopCapture() {
        if (capture == null) {
            return;
        }
        try {
            PcapStats s = capture.stats();
            savedStats = new long[] {s.received(), s.interfaceDropped(), s.dropped(), capture.sent()};
        } catch (IOException e) {
            savedStats = new long[] {0, 0, 0, capture.sent()};
        }
        packetsSent += capture.sent();
        capture.close();
        capture = null;
    }

    /** The capture could not begin (no data connection): it is dropped and the session goes on. */
    public void abortCapture() {
        if (state == State.CAPTURING) {
            stopCapture();
            state = State.READY;
        }
    }

    /** Ends the session: stops any capture. Idempotent; called by the connection when it goes away. */
    public void end() {
        stopCapture();
        state = State.CLOSED;
    }


}
