package org.tapline.stack.tcp;

import java.net.SocketOption;
import java.net.StandardSocketOptions;

/**
 * The socket options a TcpSocket or TcpServerSocket keeps (java.net.StandardSocketOptions:
 * TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_LINGER, SO_REUSEADDR, and
 * {@link #IPV6_V6ONLY}, which the JDK names only inside its implementation) and hands to its
 * connection. Used under the stack's lock.
 */
public final class TcpSocketOptions {
    /** IPV6_V6ONLY (RFC 3493 §5.3): a listener on {@code ::} takes only IPv6 connections. */
    public static final SocketOption<Boolean> IPV6_V6ONLY = new Named<>("IPV6_V6ONLY", Boolean.class);

    private record Named<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }

    private boolean noDelay;
    private boolean keepAlive;
    private int receiveBuffer = TcpConnection.DEFAULT_BUFFER;
    private int sendBuffer = TcpConnection.DEFAULT_BUFFER;
    private int linger = -1;
    private boolean reuseAddress;
    private boolean v6Only;

    public void copyFrom(TcpSocketOptions o) {
        noDelay = o.noDelay;
        keepAlive = o.keepAlive;
        receiveBuffer = o.receiveBuffer;
        sendBuffer = o.sendBuffer;
        linger = o.linger;
        reuseAddress = o.reuseAddress;
        v6Only = o.v6Only;
    }

    /** Sets one option; throws UnsupportedOperationException for one TCP does not have. */
    public <T> void set(SocketOption<T> name, T value) {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            noDelay = (Boolean) value;
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            keepAlive = (Boolean) value;
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            receiveBuffer = positive((Integer) value);
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            sendBuffer = positive((Integer) value);
        } else if (name == StandardSocketOptions.SO_LINGER) {
            linger = (Integer) value < 0 ? -1 : (Integer) value;
        } else if (name == StandardSocketOptions.SO_REUSEADDR) {
            reuseAddress = (Boolean) value;
        } else if (name == IPV6_V6ONLY) {
            v6Only = (Boolean) value;
        } else {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    @SuppressWarnings("unchecked")
    public <T> T get(SocketOption<T> name) {
        Object v;
        if (name == StandardSocketOptions.TCP_NODELAY) {
            v = noDelay;
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            v = keepAlive;
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            v = receiveBuffer;
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            v = sendBuffer;
        } else if (name == StandardSocketOptions.SO_LINGER) {
            v = linger;
        } else if (name == StandardSocketOptions.SO_REUSEADDR) {
            v = reuseAddress;
        } else if (name == IPV6_V6ONLY) {
            v = v6Only;
        } else {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return (T) v;
    }

    private static int positive(int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("buffer size must be positive: " + v);
        }
        return v;
    }

    /** Gives a connection the options that act on it (buffers only before its SYN, as Linux). */
    public void applyTo(TcpConnection c, long now) {
        c.setNoDelay(noDelay, now);
        c.setKeepAlive(keepAlive, now);
        if (c.state() == TcpState.CLOSED || c.state() == TcpState.SYN_SENT) {
            c.setReceiveBuffer(receiveBuffer);
        }
        c.setSendBuffer(sendBuffer);
    }

    /** Gives a listener what its connections inherit. */
    public void applyTo(TcpListener l) {
        l.inherit(noDelay, keepAlive, receiveBuffer, sendBuffer);
        l.setV6Only(v6Only);
    }

    public int receiveBuffer() {
        return receiveBuffer;
    }

    public int sendBuffer() {
        return sendBuffer;
    }

    public boolean lingerZero() {
        return linger == 0;
    }

    public boolean reuseAddress() {
        return reuseAddress;
    }
}
