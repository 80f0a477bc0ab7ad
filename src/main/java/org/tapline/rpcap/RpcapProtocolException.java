package org.tapline.rpcap;

/**
 * A message the session cannot accept. {@code code} is the RPCAP error code to reply with,
 * {@code version} the header version the reply carries, and {@code fatal} whether the session
 * must end after replying.
 */
public final class RpcapProtocolException extends Exception {
    private final int code;
    private final boolean fatal;

    public RpcapProtocolException(int code, String message, boolean fatal) {
        super(message);
        this.code = code;
        this.fatal = fatal;
    }

    public RpcapProtocolException(int code, String message) {
        this(code, message, false);
    }

    public int code() {
        return code;
    }

    public boolean fatal() {
        return fatal;
    }
}
