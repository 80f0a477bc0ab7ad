package org.tapline.puppet;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads etherpuppet messages from a stream: frames into one reused buffer, commands as records.
 * Lengths are checked before anything is read past them; a peer sending garbage gets a clear
 * {@link IOException}, never a large allocation.
 */
final class PuppetReader {
    /** A parameter the puppet sends: the set-ioctl number and the interface request, in {@code order}. */
    record Ifreq(int request, byte[] netifreq, java.nio.ByteOrder order) {
        int mtu() {
            return ByteBuffer.wrap(netifreq).order(order).getInt(PuppetWire.NAME);
        }

        int family() {
            return ByteBuffer.wrap(netifreq).order(order).getShort(PuppetWire.NAME) & 0xffff;
        }

        /** The 14 sockaddr data bytes (a MAC, or port and IPv4 address). */
        byte[] data() {
            return java.util.Arrays.copyOfRange(netifreq, PuppetWire.NAME + 2, PuppetWire.NAME + 16);
        }
    }

    enum Kind { FRAME, IFREQ, CONF_FINISHED }

    private final DataInputStream in;
    private final byte[] frame = new byte[PuppetWire.MAX_FRAME + 2];
    private int frameLength;
    private Ifreq ifreq;

    private int version = PuppetWire.VERSION_03;

    /** The layout of configuration requests follows the session's version. */
    void version(int v) {
        this.version = v;
    }

    PuppetReader(InputStream in) {
        this.in = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    int readVersion() throws IOException {
        return in.readInt();
    }

    int readLinkType() throws IOException {
        return in.readUnsignedShort();
    }

    /** Reads the next message; null at a clean end of stream. */
    Kind next() throws IOException {
        int n;
        try {
            n = in.readUnsignedShort();
        } catch (EOFException e) {
            return null;
        }
        if ((n & PuppetWire.CMD) != 0) {
            switch (n & ~PuppetWire.CMD) {
                case PuppetWire.CMD_IFREQ -> {
                    byte[] num = new byte[4];
                    in.readFully(num);
                    int req = ByteBuffer.wrap(num).order(PuppetWire.requestOrder(version)).getInt();
                    byte[] b = new byte[PuppetWire.requestSize(version)];
                    in.readFully(b);
                    ifreq = new Ifreq(req, b, PuppetWire.requestOrder(version));
                    return Kind.IFREQ;
                }
                case PuppetWire.CMD_CONF_FINISHED -> {
                    return Kind.CONF_FINISHED;
                }
                default -> throw new IOException(String.format("the peer sent unknown command 0x%04x", n));
            }
        }
        if (n < 2) {
            throw new IOException("the peer sent a " + n + "-byte frame message (at least 2: the protocol word)");
        }
        in.readFully(frame, 0, n);
        frameLength = n - 2;
        return Kind.FRAME;
    }

    /** The last frame's bytes start at 2 in {@link #buffer()} (after the protocol word). */
    byte[] buffer() {
        return frame;
    }

    int frameLength() {
        return frameLength;
    }

    Ifreq ifreq() {
        return ifreq;
    }
}
