package org.tapline.stack.tcp;

/** Why a connection ended or failed, as the socket reports it (the Linux errno's text). */
public enum TcpError {
    /** ECONNREFUSED: a RST answered our SYN, or ICMP port unreachable while opening. */
    REFUSED("Connection refused"),
    /** ECONNRESET: a RST in a synchronized state. */
    RESET("Connection reset"),
    /** ETIMEDOUT: retransmissions, zero-window or keep-alive probes went unanswered. */
    TIMED_OUT("Connection timed out"),
    /** EHOSTUNREACH (a soft ICMP error, reported on timeout, or a hard one while opening). */
    HOST_UNREACHABLE("No route to host"),
    /** ENETUNREACH. */
    NET_UNREACHABLE("Network is unreachable"),
    /** EPIPE: the application aborted the connection itself (SO_LINGER 0) or closed it. */
    ABORTED("Socket closed");

    private final String text;

    TcpError(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
