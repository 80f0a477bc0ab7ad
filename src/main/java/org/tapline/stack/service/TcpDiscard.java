package org.tapline.stack.service;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.tapline.stack.NetStack;
import org.tapline.stack.TcpSocket;

/** The Discard service (RFC 863) over TCP: reads and drops everything until the peer closes. */
public final class TcpDiscard {
    public static final int PORT = 9;

    private TcpDiscard() {}

    public static TcpService start(NetStack stack, int port) throws IOException {
        return TcpService.start(stack, port, "discard", TcpDiscard::serve);
    }

    static void serve(TcpSocket s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (s.read(buf.clear()) >= 0) {
            // RFC 863: "simply throws away any data it receives"
        }
    }
}
