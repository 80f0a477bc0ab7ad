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

    private final TunDevice device;
    /** Used by the receiving thread only. */
    private MemorySegment readBuffer;

    private TapLink(TunDevice device) {
        this.device = device;
    }

    /** Creates (or attaches to) TAP {@code name}; {@code tap%d} lets the kernel number it. */
    public static TapLink openTap(String name) throws IOException {
        return new TapLink(TunDevice.open(name, TunDevice.Mode.TAP));
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
        MemorySegment buf = readBuffer();
        int n = device.read(buf, timeoutMillis);
        if (n <= 0) {
            return n;
        }
        int linkType = linkType();
        long now = System.currentTimeMillis() * 1_000_000L;
        int count = 0;
        while (n > 0) {
            sink.accept(linkType, now, n, buf.asSlice(0, n));
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
            readBuffer = Arena.ofAuto().allocate(MAX_FRAME, 64);
        }
        return readBuffer;
    }

    @Override
    public void send(MemorySegment frame) throws IOException {
        device.write(frame);
    }

    @Override
    public void close() {
        device.close();
    }
}
