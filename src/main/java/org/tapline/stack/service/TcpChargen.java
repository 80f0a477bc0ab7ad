package org.tapline.stack.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.tapline.stack.NetStack;
import org.tapline.stack.TcpSocket;

/**
 * The Character Generator service (RFC 864) over TCP: sends lines of 72 printable ASCII
 * characters, each starting one character further along the 95 (the RFC's "one popular
 * pattern"), ended by CR LF, until the peer closes; what the peer sends is read and dropped.
 */
public final class TcpChargen {
    public static final int PORT = 19;
    static final int LINE = 72;
    private static final int PRINTABLE = 95;

    private TcpChargen() {}

    public static TcpService start(NetStack stack, int port) throws IOException {
        return TcpService.start(stack, port, "chargen", TcpChargen::serve);
    }

    /** The 95 lines of the pattern, one after another (then it repeats). */
    static byte[] pattern() {
        byte[] all = new byte[PRINTABLE * (LINE + 2)];
        int at = 0;
        for (int line = 0; line < PRINTABLE; line++) {
            for (int i = 0; i < LINE; i++) {
                all[at++] = (byte) (' ' + (line + i) % PRINTABLE);
            }
            all[at++] = '\r';
            all[at++] = '\n';
        }
        return all;
    }

    static void serve(TcpSocket s) throws IOException {
        Thread drain = Thread.ofVirtual().start(() -> {
            ByteBuffer in = ByteBuffer.allocate(4096);
            try {
                while (s.read(in.clear()) >= 0) {
                    // RFC 864: "data received is discarded"
                }
            } catch (IOException e) {
                // closed under us: the writer ends too
            }
            s.close();
        });
        ByteBuffer out = ByteBuffer.wrap(pattern());
        try {
            while (!s.isClosed()) {
                s.write(out.clear());
            }
        } finally {
            drain.interrupt();
        }
    }

    /** For tests: the first {@code n} bytes the service sends. */
    static String first(int n) {
        return new String(pattern(), 0, n, StandardCharsets.US_ASCII);
    }
}
