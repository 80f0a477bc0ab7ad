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

    enum Kind { FRAME, OFFLOADED, IFREQ, CONF_FINISHED, HELLO, ACK, UPGRADE, IPV6, BYE }

    private final DataInputStream in;
    private final byte[] frame = new byte[PuppetWire.MAX_RECORD + 2];
    private int frameLength;
    private Ifreq ifreq;
    private byte[] payload;
    /** After ACK (master to puppet) or UPGRADE (puppet to master): tapline records. */
    private boolean tapline;

    private int version = PuppetWire.VERSION_03;

    /** The layout of configuration requests follows the session's version. */
    void version(int v) {
        this.version = v;
    }

    PuppetReader(InputStream in) {
        this.in = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    /** Bytes that can be read without blocking (buffered, or in the socket). */
    int available() throws IOException {
        return in.available();
    }

    int readVersion() throws IOException {
        return in.readInt();
    }

    int readLinkType() throws IOException {
        return in.readUnsignedShort();
    }

    /** Reads the next message; null at a clean end of stream. */
    Kind next() throws IOException {
        return tapline ? nextRecord() : nextMessage();
    }

    private Kind nextRecord() throws IOException {
        int w;
        try {
            w = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        int len = w & 0xff_ffff;
        if (len > PuppetWire.MAX_RECORD) {
            throw new PuppetProtocolException("the peer sent a " + len + "-byte record (at most " + PuppetWire.MAX_RECORD + ")");
        }
        if ((w & PuppetWire.REC_CMD) == 0) {
            if ((w >>> 24) != 0) {
                throw new PuppetProtocolException(String.format("the peer sent a record word 0x%08x with reserved bits set", w));
            }
            in.readFully(frame, 2, len);
            frameLength = len;
            return Kind.FRAME;
        }
        int type = (w >>> 24) & 0x7f;
        if (type == PuppetWire.REC_OFFLOADED) {
            if (len <= PuppetWire.VNET_HDR) {
                throw new PuppetProtocolException("the peer sent an offloaded frame of " + len + " bytes (header only)");
            }
            in.readFully(frame, 2, len);
            frameLength = len;
            return Kind.OFFLOADED;
        }
        if (len > 4096) {
            throw new PuppetProtocolException("the peer sent a " + len + "-byte command (type " + type + ")");
        }
        payload = new byte[len];
        in.readFully(payload);
        return switch (type) {
            case PuppetWire.REC_IPV6 -> {
                if (len != 17 || (payload[16] & 0xff) > 128) {
                    throw new PuppetProtocolException("the peer sent a malformed IPv6 address record (" + len + " bytes)");
                }
                yield Kind.IPV6;
            }
            case PuppetWire.REC_BYE -> Kind.BYE;
            default -> throw new PuppetProtocolException("the peer sent unknown command record " + type);
        };
    }

    private Kind nextMessage() throws IOException {
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
                    return PuppetWire.isHello(req, b) ? Kind.HELLO : Kind.IFREQ;
                }
                case PuppetWire.CMD_CONF_FINISHED -> {
                    return Kind.CONF_FINISHED;
                }
                case PuppetWire.CMD_ACK -> {
                    tapline = true;
                    return Kind.ACK;
                }
                case PuppetWire.CMD_UPGRADE -> {
                    tapline = true;
                    return Kind.UPGRADE;
                }
                default -> throw new PuppetProtocolException(String.format("the peer sent unknown command 0x%04x", n));
            }
        }
        if (n < 2) {
            throw new PuppetProtocolException("the peer sent a " + n + "-byte frame message (at least 2: the protocol word)");
        }
        in.readFully(frame, 0, n);
        frameLength = n - 2;
        return Kind.FRAME;
    }

    /**
     * The last frame's bytes start at 2 in {@link #buffer()} (after the protocol word); an
     * OFFLOADED frame's there start with its virtio_net_hdr.
     */
    byte[] buffer() {
        return frame;
    }

    int frameLength() {
        return frameLength;
    }

    Ifreq ifreq() {
        return ifreq;
    }

    /** The last command record's payload. */
    byte[] payload() {
        return payload;
    }
}
