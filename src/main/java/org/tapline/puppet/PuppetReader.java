package org.tapline.puppet;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

import org.tapline.pcap.ChannelInput;

/**
 * Reads etherpuppet messages from a channel: frames as slices of one reused native buffer,
 * commands as records.
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

    private final ChannelInput in;
    private final InputStream availability;
    private MemorySegment frame = MemorySegment.NULL;
    private Ifreq ifreq;
    private byte[] payload;
    /** After ACK (master to puppet) or UPGRADE (puppet to master): tapline records. */
    private boolean tapline;

    private int version = PuppetWire.VERSION_03;
    /** The first two bytes of the connection have been looked at (for a TLS record). */
    private boolean started;

    /** The layout of configuration requests follows the session's version. */
    void version(int v) {
        this.version = v;
    }

    PuppetReader(InputStream in) {
        this(Channels.newChannel(in), in);
    }

    /**
     * Reads from {@code channel} into a native buffer (a socket's own channel reads with no copy of
     * ours); {@code availability} tells what could be read without waiting.
     */
    PuppetReader(ReadableByteChannel channel, InputStream availability) {
        this.in = new ChannelInput(channel, "the peer");
        this.in.order(ByteOrder.BIG_ENDIAN);
        this.availability = availability;
    }

    /** Bytes that can be read without blocking (buffered, or in the socket). */
    int available() throws IOException {
        return in.buffer().remaining() + availability.available();
    }

    int readVersion() throws IOException {
        return int32();
    }

    int readLinkType() throws IOException {
        return uint16();
    }

    /** Reads the next message; null at a clean end of stream. */
    Kind next() throws IOException {
        if (in.require(1) == 0) {
            return null;
        }
        return tapline ? nextRecord() : nextMessage();
    }

    private Kind nextRecord() throws IOException {
        int w = int32();
        int len = w & 0xff_ffff;
        if (len > PuppetWire.MAX_RECORD) {
            throw new PuppetProtocolException("the peer sent a " + len + "-byte record (at most " + PuppetWire.MAX_RECORD + ")");
        }
        if ((w & PuppetWire.REC_CMD) == 0) {
            if ((w >>> 24) != 0) {
                throw new PuppetProtocolException(String.format("the peer sent a record word 0x%08x with reserved bits set", w));
            }
            frame = slice(len);
            return Kind.FRAME;
        }
        int type = (w >>> 24) & 0x7f;
        if (type == PuppetWire.REC_OFFLOADED) {
            if (len <= PuppetWire.VNET_HDR) {
                throw new PuppetProtocolException("the peer sent an offloaded frame of " + len + " bytes (header only)");
            }
            frame = slice(len);
            return Kind.OFFLOADED;
        }
        if (len > 4096) {
            throw new PuppetProtocolException("the peer sent a " + len + "-byte command (type " + type + ")");
        }
        payload = bytes(len);
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
        int n = uint16();
        if ((n & PuppetWire.CMD) != 0) {
            switch (n & ~PuppetWire.CMD) {
                case PuppetWire.CMD_IFREQ -> {
                    int req = ByteBuffer.wrap(bytes(4)).order(PuppetWire.requestOrder(version)).getInt();
                    byte[] b = bytes(PuppetWire.requestSize(version));
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
        need(n);
        frame = in.segment().asSlice(in.position() + 2, n - 2); // after the protocol word
        in.advance(n);
        return Kind.FRAME;
    }

    /**
     * The last frame (an OFFLOADED one led by its virtio_net_hdr), valid until the next call of
     * {@link #next}.
     */
    MemorySegment frame() {
        return frame;
    }

    int frameLength() {
        return (int) frame.byteSize();
    }

    private void need(int n) throws IOException {
        if (in.require(n) < n) {
            throw new EOFException("the peer closed the connection in the middle of a message");
        }
    }

    /**
     * A plain end meeting a TLS one reads a TLS record where a version, a link type or a message
     * should be (none of which can start so): say so at once rather than wait for a message that
     * never completes.
     */
    private void refuseTls() throws IOException {
        if (started) {
            return;
        }
        started = true;
        if (in.require(2) >= 2 && PuppetTls.isTlsRecord(in.uint16(0))) {
            throw new PuppetProtocolException(PuppetTls.PEER_SPEAKS_TLS);
        }
    }

    private int uint16() throws IOException {
        refuseTls();
        need(2);
        int v = in.uint16(0);
        in.advance(2);
        return v;
    }

    private int int32() throws IOException {
        refuseTls();
        need(4);
        int v = in.int32(0);
        in.advance(4);
        return v;
    }

    private byte[] bytes(int n) throws IOException {
        need(n);
        byte[] b = new byte[n];
        in.buffer().get(in.position(), b);
        in.advance(n);
        return b;
    }

    private MemorySegment slice(int n) throws IOException {
        need(n);
        MemorySegment m = in.segment().asSlice(in.position(), n);
        in.advance(n);
        return m;
    }

    Ifreq ifreq() {
        return ifreq;
    }

    /** The last command record's payload. */
    byte[] payload() {
        return payload;
    }
}
