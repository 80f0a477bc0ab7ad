package org.tapline.puppet;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;

import org.tapline.link.Link;

/**
 * The sending half of a puppet connection: frames are appended to one buffer and leave in large
 * writes when a batch ends (etherpuppet sends each frame alone). In etherpuppet framing, frames
 * longer than it carries are cut to its limit and counted; after {@link #upgrade} frames go whole
 * in tapline records.
 *
 * <p>{@code lock} guards the buffered stream and the framing: the frame pump, the configuration
 * sender and the upgrade share it.
 */
final class Stream {
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Raw IP: LINKTYPE_RAW (a TapLink's TUN), and libpcap's DLT_RAW on Linux (a capture on a TUN). */
    private static final int LINKTYPE_RAW = 101;
    private static final int DLT_RAW = 12;

    /** Large writes: many frames, or a few super-frames, leave in one. */
    private static final int BUFFER = 1 << 19;

    private final OutBuffer out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Counters counters;
    private volatile boolean tapline;

    Stream(OutputStream out, Counters counters) {
        this.out = new OutBuffer(out, BUFFER);
        this.counters = counters;
    }

    /** On a socket's own channel: sent from native memory with no copy of ours. */
    Stream(java.nio.channels.WritableByteChannel channel, Counters counters) {
        this.out = new OutBuffer(channel, BUFFER);
        this.counters = counters;
    }

    void write(byte[] b) throws IOException {
        lock.lock();
        try {
            out.put(b);
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code marker} in etherpuppet framing, then switches to tapline records, atomically. */
    void upgrade(byte[] marker) throws IOException {
        lock.lock();
        try {
            out.put(marker);
            tapline = true;
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** The tapline goodbye; given up after half a second if the stream is stuck. */
    void bye() {
        try {
            if (lock.tryLock(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                try {
                    out.put(PuppetWire.record(PuppetWire.REC_BYE, new byte[0]));
                    out.flush();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // closing anyway: the peer will see a lost connection
        }
    }

    boolean tapline() {
        return tapline;
    }

    /** Appends one frame of link type {@code linkType} (Ethernet, or raw IP from a TUN). */
    void frame(int linkType, MemorySegment f) throws IOException {
        lock.lock();
        try {
            long size = f.byteSize();
            if (tapline) {
                if (size > PuppetWire.MAX_RECORD) {
                    counters.dropped.incrementAndGet();
                    return;
                }
                out.put((int) size, f);
            } else {
                int n = (int) Math.min(size, PuppetWire.REFERENCE_MTU - 2);
                if (n < size) {
                    counters.cut.incrementAndGet();
                }
                out.put((n + 2) << 16 | protocol(linkType, f), f.asSlice(0, n));
                size = n;
            }
            counters.sentFrames.incrementAndGet();
            counters.sentBytes.addAndGet(size);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a frame read with its virtio_net_hdr: as an OFFLOADED record when the header says
     * something (a super-frame, a checksum to complete) and the peer takes records, else as a frame.
     */
    void offloaded(int linkType, MemorySegment header, MemorySegment f) throws IOException {
        if (!tapline || isZero(header)) {
            frame(linkType, f);
            return;
        }
        lock.lock();
        try {
            int n = (int) (header.byteSize() + f.byteSize());
            if (n > PuppetWire.MAX_RECORD) {
                counters.dropped.incrementAndGet();
                return;
            }
            out.put(PuppetWire.REC_CMD | PuppetWire.REC_OFFLOADED << 24 | n, header, f);
            counters.sentFrames.incrementAndGet();
            counters.sentBytes.addAndGet(f.byteSize());
        } finally {
            lock.unlock();
        }
    }

    private static boolean isZero(MemorySegment header) {
        for (long i = 0; i < header.byteSize(); i++) {
            if (header.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The protocol word etherpuppet puts before a frame: the ethertype, or for raw IP its version's. */
    static int protocol(int linkType, MemorySegment f) {
        if (linkType == LINKTYPE_RAW || linkType == DLT_RAW) {
            int version = f.byteSize() > 0 ? (f.get(ValueLayout.JAVA_BYTE, 0) & 0xf0) >> 4 : 0;
            return version == 6 ? 0x86dd : 0x0800;
        }
        return f.byteSize() >= 14 ? Short.toUnsignedInt(f.get(BE_SHORT, 12)) : 0;
    }

    void flush() throws IOException {
        lock.lock();
        try {
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the frames a link receives into this stream until the link closes or fails, or the
     * connection fails. Either failure closes {@code socket}, which ends the other direction too;
     * a failure of the link is put in {@code linkFailure} first, so the reader that sees the closed
     * socket knows why. Runs on the caller's (platform) thread.
     */
    void pumpFrom(Link link, java.net.Socket socket, java.util.concurrent.atomic.AtomicReference<IOException> linkFailure) {
        boolean[] writeFailed = {false};
        try {
            while (!writeFailed[0]) {
                int n = link.receive((lt, ts, len, data) -> {
                    if (!writeFailed[0]) {
                        try {
                            frame(lt, data);
                        } catch (IOException e) {
                            writeFailed[0] = true;
                        }
                    }
                }, 256, 200);
                if (n < 0) {
                    return;
                }
                if (n > 0 && !writeFailed[0]) {
                    try {
                        flush();
                    } catch (IOException e) {
                        writeFailed[0] = true;
                    }
                }
            }
        } catch (IOException e) {
            linkFailure.set(e);
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // ending anyway
            }
        }
    }
}
