package org.tapline.stack.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

import org.tapline.stack.NetStack;

/**
 * The UDP character generator (RFC 864): each datagram is answered with a random number, 0 to
 * 512, of characters of the RFC's "line run", the 95 printing ASCII characters in 72-character
 * lines ending in CR LF, each line starting one character later than the one before. The run
 * goes on from one answer to the next.
 */
public final class UdpChargen {
    public static final int PORT = 19;
    /** RFC 864: "a random number (between 0 and 512) of characters". */
    static final int MAX_ANSWER = 512;
    static final int LINE = 72;
    private static final int PRINTING = 95;
    private static final int FIRST_PRINTING = ' ';

    private final RandomGenerator random;
    /** Characters of the run written so far, modulo a whole cycle of lines. */
    private long position;

    UdpChargen(RandomGenerator random) {
        this.random = random;
    }

    public static UdpService start(NetStack stack, int port) throws IOException {
        UdpChargen run = new UdpChargen(RandomGenerator.of("L64X128MixRandom"));
        return UdpService.start(stack, "chargen", port, (request, reply) -> {
            run.next(reply);
            return true;
        });
    }

    /** Writes the next 0-512 characters of the run into {@code out}. */
    void next(ByteBuffer out) {
        int n = random.nextInt(MAX_ANSWER + 1);
        for (int i = 0; i < n; i++) {
            out.put(charAt(position));
            position = (position + 1) % ((long) PRINTING * (LINE + 2));
        }
    }

    /** The character at {@code pos} of the run: line {@code pos / 74}, column {@code pos % 74}. */
    static byte charAt(long pos) {
        long line = pos / (LINE + 2);
        int col = (int) (pos % (LINE + 2));
        if (col == LINE) {
            return '\r';
        }
        if (col == LINE + 1) {
            return '\n';
        }
        return (byte) (FIRST_PRINTING + (line + col) % PRINTING);
    }
}
