package org.tapline.stack.service;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.tapline.stack.NetStack;
import org.tapline.stack.TcpSocket;

/** The Echo service (RFC 862) over TCP: sends back what it receives; closes its side after the peer's FIN. */
public final class TcpEcho {
    public static final int PORT = 7;

    private TcpEcho() {}

    public static TcpService start(NetStack stack, int port) throws IOException {
        return TcpService.start(stack, port, "echo", TcpEcho::serve);
    }

    static void serve(TcpSocket s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (s.read(buf.clear()) >= 0) {
            s.write(buf.flip());
        }
        s.shutdownOutput();
    }
}
