package org.tapline.stack.tcp;

import java.lang.foreign.MemorySegment;

import org.tapline.stack.ip.IpAddress;

/**
 * One connection's transmission control block (RFC 9293 §3.3.1) and what the socket API calls
 * on it. Arriving segments go through {@link TcpInput}, sending through {@link TcpOutput}, timers
 * through {@link TcpTimers}. Every method runs under the stack's lock; {@code now} is
 * nanoseconds. Sequence variables hold unsigned 32-bit values (see {@link Seq}).
 */
public final class TcpConnection {
    static final long NONE = Long.MAX_VALUE;
    /** Linux's default socket buffers here: enough for a TAP's bandwidth-delay product. */
    static final int DEFAULT_BUFFER = 1 << 20;

    final TcpTransport transport;
    final FlowKey key;
    final IpAddress local;
    final int localPort;
    final IpAddress remote;
    final int remotePort;
    final TcpInput input;
    final TcpOutput output;
    final TcpTimers timers;
    TcpState state = TcpState.CLOSED;
    /** The listener of a passively opened connection until it is accepted (or dropped). */
    TcpListener listener;

    // Send sequence space (RFC 9293 §3.3.1) and the highest sequence sent, SND.MAX.
    long iss;
    long sndUna;
    long sndNxt;
    long sndMax;
    long sndWnd;
    long sndWl1;
    long sndWl2;
    long maxSndWnd;
    /** Send MSS: the most payload one segment carries, options of every segment taken off. */
    int mss = 536;
    final ByteRing sendBuffer = new ByteRing(DEFAULT_BUFFER);
    /** The sequence number of the first byte in {@link #sendBuffer}. */
    long sendBufferSeq;
    /** The application shut down its sending side: our FIN follows the queued data. */
    boolean finQueued;

    // Receive sequence space.
    long irs;
    long rcvNxt;
    /** The right edge of the window we last announced: never moved left (RFC 9293 §3.8.6). */
    long rcvAdvertised;
    final ReceiveQueue receiveQueue = new ReceiveQueue(DEFAULT_BUFFER);
    /** The peer's FIN was taken: no more data comes. */
    boolean finReceived;
    /** An out-of-order FIN's sequence number, or -1. */
    long pendingFinSeq = -1;

    // Options (RFC 7323, RFC 2018).
    /** Both SYNs carried the window scale option (RFC 7323 §2.2). */
    boolean windowScaling;
    int sndShift;
    int rcvShift;
    boolean timestamps;
    boolean sackPermitted;
    long tsRecent;
    long lastAckSent;
    long tsOffset;

    // Congestion control and loss recovery (RFC 5681, RFC 6582, RFC 6298).
    CongestionControl cc;
    final RttEstimator rtt = new RttEstimator();
    boolean inRecovery;
    long recover;
    int dupAcks;
    /** RFC 6582 §3.2: cwnd inflation by duplicate ACKs during recovery, deflated by partial ACKs. */
    long inflation;
    boolean rttTiming;
    long rttSeq;
    long rttStart;
    /** Consecutive retransmission timeouts (or SYN retransmissions) without progress. */
    int retransmits;
    long retransmittedSegments;
    long lastSend;
    long lastReceive;

    // ACK policy.
    boolean ackNow;
    /** Bytes received since our last ACK: a second full segment is acknowledged at once. */
    int unackedBytes;
    /** The largest segment seen from the peer: "full-sized" for the delayed-ACK rule. */
    int rcvMss = 536;

    // Socket options and application state.
    boolean noDelay;
    boolean keepAlive;
    int probes;
    /** close() was called: no more reads, data arriving now is answered with RST. */
    boolean closed;
    TcpError error;
    /** A soft ICMP error (RFC 1122 §4.2.3.9), reported if the connection times out. */
    TcpError softError;
    Runnable waker = () -> { };

    TcpConnection(TcpTransport transport, IpAddress local, int localPort, IpAddress remote, int remotePort) {
        this.transport = transport;
        this.local = local;
        this.localPort = localPort;
        this.remote = remote;
        this.remotePort = remotePort;
        this.key = new FlowKey(local, localPort, remote, remotePort);
        this.input = new TcpInput(this);
        this.output = new TcpOutput(this);
        this.timers = new TcpTimers(this);
    }

    public TcpState state() {
        return state;
    }

    /** Why the connection failed, or null. */
    public TcpError error() {
        return error;
    }

    public IpAddress localAddress() {
        return local;
    }

    public int localPort() {
        return localPort;
    }

    public IpAddress remoteAddress() {
        return remote;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Called (under the lock) whenever reading, writing, accepting or the state may have changed. */
    public void setWaker(Runnable waker) {
        this.waker = waker;
    }

    /** Bytes the application can read now. */
    public int readable() {
        return receiveQueue.readable();
    }

    /** Whether the peer's FIN came after the last readable byte (read returns -1). */
    public boolean endOfStream() {
        return finReceived || state == TcpState.CLOSED;
    }

    /** Room in the send buffer. */
    public int writable() {
        return sendBuffer.free();
    }

    /** Whether write may be called: established and our side not shut down. */
    public boolean canWrite() {
        return !finQueued && error == null
                && (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT);
    }

    /** Queues up to {@code len} bytes for sending; returns how many fitted. */
    public int write(MemorySegment src, long off, int len, long now) {
        if (!canWrite()) {
            return 0;
        }
        int n = sendBuffer.write(src, off, len);
        if (n > 0) {
            output.send(now);
        }
        return n;
    }

    /** Moves up to {@code len} in-order bytes to {@code dst}; returns the count (0 when none). */
    public int read(MemorySegment dst, long off, int len, long now) {
        int n = receiveQueue.ring().read(dst, off, len);
        if (n > 0 && state.synchronized_()) {
            output.windowUpdate(now);
        }
        return n;
    }

    /** shutdown(SHUT_WR): a FIN after the queued data (RFC 9293 §3.10.4). */
    public void shutdownOutput(long now) {
        if (finQueued) {
            return;
        }
        switch (state) {
            case SYN_SENT, LISTEN, CLOSED -> {
                abortQuietly(now);
                return;
            }
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.FIN_WAIT_1);
            case CLOSE_WAIT -> setState(TcpState.LAST_ACK);
            default -> { }
        }
        finQueued = true;
        output.send(now);
    }

    /**
     * close(): a graceful close, except that unread data (RFC 9293 §3.10.4, as Linux and RFC 2525
     * §2.17) or {@code lingerZero} (SO_LINGER 0) sends a RST instead.
     */
    public void close(boolean lingerZero, long now) {
        if (closed) {
            return;
        }
        closed = true;
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            return;
        }
        if (lingerZero || receiveQueue.readable() > 0 || receiveQueue.islands() > 0) {
            abort(now);
            return;
        }
        shutdownOutput(now);
        timers.orphaned(now);
    }

    /** Sends a RST (in a synchronized state) and drops the connection (RFC 9293 §3.10.5 ABORT). */
    public void abort(long now) {
        if (state.synchronized_() || state == TcpState.SYN_RECEIVED) {
            output.sendReset(now);
        }
        abortQuietly(now);
    }

    private void abortQuietly(long now) {
        if (error == null) {
            error = TcpError.ABORTED;
        }
        becomeClosed();
    }

    public void setNoDelay(boolean on, long now) {
        noDelay = on;
        if (on && state.synchronized_()) {
            output.send(now);
        }
    }

    public boolean noDelay() {
        return noDelay;
    }

    public void setKeepAlive(boolean on, long now) {
        keepAlive = on;
        timers.keepAliveChanged(now);
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /** SO_RCVBUF: takes effect for the window scale only before the SYN (as in Linux). */
    public void setReceiveBuffer(int bytes) {
        receiveQueue.ring().setLimit(Math.max(bytes, 2048));
    }

    public int receiveBuffer() {
        return receiveQueue.ring().limit();
    }

    public void setSendBuffer(int bytes) {
        sendBuffer.setLimit(Math.max(bytes, 2048));
    }

    public int sendBuffer() {
        return sendBuffer.limit();
    }

    /** Bytes sent and not acknowledged (SND.NXT - SND.UNA, SYN and FIN included). */
    long flight() {
        return Seq.diff(sndMax, sndUna);
    }

    /** The sequence number our FIN takes (valid once {@link #finQueued}). */
    long finSeq() {
        return Seq.add(sendBufferSeq, sendBuffer.size());
    }

    /** Whether our FIN was sent and acknowledged. */
    boolean finAcked() {
        return finQueued && Seq.gt(sndUna, finSeq());
    }

    void setState(TcpState next) {
        transport.stateChanged(this, state, next);
        state = next;
        waker.run();
    }

    /** Leaves the table and stops every timer; the application may still read what arrived. */
    void becomeClosed() {
        if (state != TcpState.CLOSED) {
            setState(TcpState.CLOSED);
        }
        timers.cancelAll();
        transport.remove(this);
        if (listener != null) {
            listener.childGone(this);
            listener = null;
        }
        waker.run();
    }

    /** The connection failed with {@code why}: the socket sees it (RFC 9293 §3.10.7). */
    void fail(TcpError why) {
        error = why;
        becomeClosed();
    }

    /** Our timestamp clock (RFC 7323 §5.4): milliseconds, offset per connection. */
    long tsNow(long now) {
        return (now / 1_000_000L + tsOffset) & Seq.MASK;
    }

    @Override
    public String toString() {
        return local + ":" + localPort + " " + remote + ":" + remotePort + " " + state.ssName();
    }
}
