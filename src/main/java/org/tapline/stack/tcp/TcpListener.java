package org.tapline.stack.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.tapline.stack.ip.IpAddress;

/**
 * A socket in LISTEN (RFC 9293 §3.10.7.2): its half-open children (the SYN queue) and the
 * established connections waiting for accept (the accept queue), both bounded by the backlog
 * as in Linux. A SYN finding the SYN queue full is answered with a SYN cookie (RFC 4987); one
 * finding the accept queue full is dropped. Used under the stack's lock.
 */
public final class TcpListener {
    final TcpTransport transport;
    final IpAddress local;
    final int port;
    private final int backlog;
    private final ArrayDeque<TcpConnection> accepted = new ArrayDeque<>();
    private final List<TcpConnection> halfOpen = new ArrayList<>();
    private Runnable waker = () -> { };
    boolean noDelay;
    boolean keepAlive;
    int receiveBuffer = TcpConnection.DEFAULT_BUFFER;
    int sendBuffer = TcpConnection.DEFAULT_BUFFER;
    private boolean closed;
    /** IPV6_V6ONLY for a listener on {@code ::}: false takes IPv4 connections too. */
    boolean v6Only;

    TcpListener(TcpTransport transport, IpAddress local, int port, int backlog) {
        this.transport = transport;
        this.local = local;
        this.port = port;
        this.backlog = Math.max(1, backlog);
    }

    public IpAddress localAddress() {
        return local;
    }

    public int localPort() {
        return port;
    }

    public void setWaker(Runnable waker) {
        this.waker = waker;
    }

    /** Options the accepted connections inherit (as Linux sockets inherit them from the listener). */
    public void inherit(boolean noDelay, boolean keepAlive, int receiveBuffer, int sendBuffer) {
        this.noDelay = noDelay;
        this.keepAlive = keepAlive;
        this.receiveBuffer = receiveBuffer;
        this.sendBuffer = sendBuffer;
    }

    /** IPV6_V6ONLY: whether a listener on {@code ::} refuses IPv4 connections. */
    public void setV6Only(boolean on) {
        v6Only = on;
    }

    /** The next established connection, or null. */
    public TcpConnection accept() {
        TcpConnection c = accepted.poll();
        if (c != null) {
            c.listener = null;
        }
        return c;
    }

    /** Connections waiting for accept. */
    public int queued() {
        return accepted.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops listening: connections not yet accepted are reset (as Linux does). */
    public void close(long now) {
        if (closed) {
            return;
        }
        closed = true;
        transport.removeListener(this);
        List<TcpConnection> all = new ArrayList<>(halfOpen);
        all.addAll(accepted);
        for (TcpConnection c : all) {
            c.listener = null;
            c.abort(now);
        }
        halfOpen.clear();
        accepted.clear();
        waker.run();
    }

    boolean hasRoom() {
        return accepted.size() < backlog;
    }

    boolean synQueueFull() {
        return halfOpen.size() >= backlog;
    }

    void addHalfOpen(TcpConnection c) {
        halfOpen.add(c);
    }

    void established(TcpConnection c) {
        halfOpen.remove(c);
        accepted.add(c);
        waker.run();
    }

    void childGone(TcpConnection c) {
        if (!halfOpen.remove(c)) {
            accepted.remove(c);
        }
    }
}
