package org.tapline.link;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.tapline.os.Interfaces;
import org.tapline.os.TunDevice;

/**
 * A TAP (Ethernet frames) or TUN (raw IP packets) interface through /dev/net/tun, created or
 * attached by name. Frames are read straight into the batch's free space (one copy, the
 * kernel's); frames in a batch are stamped with the time they were read.
 */
public final class TapLink implements Link {
    /** LINKTYPE_ETHERNET, and LINKTYPE_RAW for TUN (IPv4 or IPv6 by the version nibble). */
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_RAW = 101;
    /** Frames larger than this cannot come out of a TAP . */
    private static final int MAX_FRAME = TunDevice.MAX_FRAME;
    private static final MemorySegment NO_HEADER = MemorySegment.ofArray(new byte[TunDevice.VNET_HDR]);

    private final TunDevice device;
    /** Used by the receiving thread only. */
    private MemorySegment readBuffer;
    /** Used by the sending thread only: a zero virtio_net_hdr and the frame, when the device has headers. */
    private MemorySegment sendBuffer;

    /** Frames with their virtio_net_hdr (see {@link #openTapWithOffloads}). */
    @FunctionalInterface
    public interface OffloadSink {
        /** {@code header} and {@code frame} are valid only during the call. */
        void accept(MemorySegment header, MemorySegment frame) throws IOException;
    }

    private TapLink(TunDevice device) {
        this.device = device;
    }

    /** Creates (or attaches to) TAP {@code name}; {@code tap%d} lets the kernel number it. */
    public static TapLink openTap(String name) throws IOException {
        return new TapLink(TunDevice.open(name, TunDevice.Mode.TAP));
    }

    /**
     * A TAP whose frames carry a virtio_net_hdr, so that with {@link #setOffloads} on, the kernel
     * hands over TCP super-frames and frames with checksums still to complete
     * ({@link #receiveOffloaded}); {@link #receive} and {@link #send} hide the header.
     */
    public static TapLink openTapWithOffloads(String name) throws IOException {
        return new TapLink(TunDevice.open(name, TunDevice.Mode.TAP, true));
    }

    /** Whether the kernel may hand over super-frames and partial checksums (needs a TAP with offloads). */
    public void setOffloads(boolean on) throws IOException {
        device.setOffloads(on ? TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4 | TunDevice.TUN_F_TSO6 | TunDevice.TUN_F_TSO_ECN : 0);
    }

    /** Creates (or attaches to) TUN {@code name}, carrying IP packets without a link header. */
    public static TapLink openTun(String name) throws IOException {
        return new TapLink(TunDevice.open(name, TunDevice.Mode.TUN));
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public int linkType() {
        return device.mode() == TunDevice.Mode.TAP ? LINKTYPE_ETHERNET : LINKTYPE_RAW;
    }

    @Override
    public int mtu() {
        try {
            return Interfaces.mtu(device.name());
        } catch (IOException e) {
            return 1500;
        }
    }

    @Override
    public byte[] hardwareAddress() throws IOException {
        return device.mode() == TunDevice.Mode.TAP ? Interfaces.mac(device.name()) : new byte[0];
    }

    /** Keep the interface when this link closes (TUNSETPERSIST), or not. */
    public void setPersistent(boolean persistent) throws IOException {
        device.setPersistent(persistent);
    }

    @Override
    public int receive(FrameBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        if (device.vnetHeader()) {
            throw new IllegalStateException(name() + " has virtio_net_hdr frames: receive them with a sink");
        }
        if (batch.maxFrameBytes() < MAX_FRAME) {
            throw new IllegalArgumentException("a TAP batch needs room for a " + MAX_FRAME + "-byte frame");
        }
        MemorySegment room = batch.free();
        int n = device.read(room, timeoutMillis);
        if (n <= 0) {
            return n;
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        batch.commit(now, n, n);
        while (batch.fits(MAX_FRAME)) {
            n = device.readNow(batch.free());
            if (n <= 0) {
                break;
            }
            batch.commit(now, n, n);
        }
        return batch.size();
    }

    @Override
    public int receive(FrameSink sink, int maxFrames, int timeoutMillis) throws IOException {
        int linkType = linkType();
        long now = System.currentTimeMillis() * 1_000_000L;
        return receiveOffloaded((header, frame) -> sink.accept(linkType, now, (int) frame.byteSize(), frame), maxFrames, timeoutMillis);
    }

    /**
     * Like {@link #receive(FrameSink, int, int)}, with each frame's virtio_net_hdr (all zero on a
     * device without headers). Returns the number of frames, 0 on timeout, -1 once closed.
     */
    public int receiveOffloaded(OffloadSink sink, int maxFrames, int timeoutMillis) throws IOException {
        MemorySegment buf = readBuffer();
        int n = device.read(buf, timeoutMillis);
        if (n <= 0) {
            return n;
        }
        int skip = device.vnetHeader() ? TunDevice.VNET_HDR : 0;
        int count = 0;
        while (n > 0) {
            if (n >= skip) {
                sink.accept(skip > 0 ? buf.asSlice(0, skip) : NO_HEADER, buf.asSlice(skip, n - skip));
            }
            if (++count == maxFrames) {
                break;
            }
            n = device.readNow(buf);
        }
        return n < 0 && count == 0 ? -1 : count;
    }

    /** The receiving thread's frame buffer (a TAP delivers one frame per read). */
    private MemorySegment readBuffer() {
        if (readBuffer == null) {
            readBuffer = Arena.ofAuto().allocate(MAX_FRAME + TunDevice.VNET_HDR, 64);
        }
        return readBuffer;
    }

    @Override
    public void send(MemorySegment frame) throws IOException {
        if (!device.vnetHeader()) {
            device.write(frame);
            return;
        }
        if (frame.byteSize() > MAX_FRAME) {
            throw new IOException(name() + ": a " + frame.byteSize() + "-byte frame is larger than a TAP carries");
        }
        if (sendBuffer == null) {
            sendBuffer = Arena.ofAuto().allocate(MAX_FRAME + TunDevice.VNET_HDR, 64);
        }
        MemorySegment.copy(frame, 0, sendBuffer, TunDevice.VNET_HDR, frame.byteSize());
        device.write(sendBuffer.asSlice(0, TunDevice.VNET_HDR + frame.byteSize()));
    }

    @Override
    public void close() {
        device.close();
    }
}
