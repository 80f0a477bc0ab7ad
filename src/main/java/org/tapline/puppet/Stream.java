package org.tapline.puppet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a puppet connection: frames are appended to one buffer and leave in large
 * writes when the batch ends (etherpuppet sends each frame alone). Frames longer than the peer
 * takes are cut to its limit, as etherpuppet cuts at its MTU, and counted.
 *
 * <p>{@code lock} guards the buffered stream: the frame pump and the configuration sender share it.
 */
final class Stream {
    private final BufferedOutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private final int maxFrame;
    private final byte[] scratch = new byte[PuppetWire.MAX_FRAME + 4];
    private long frames;
    private long bytes;
    private long truncated;

    Stream(OutputStream out, int maxFrame) {
        this.out = new BufferedOutputStream(out, 1 << 18);
        this.maxFrame = maxFrame;
    }

    void write(byte[] b) throws IOException {
        lock.lock();
        try {
            out.write(b);
        } finally {
            lock.unlock();
        }
    }

    /** Appends one frame: length, protocol (the frame's ethertype), bytes. */
    void frame(MemorySegment f) throws IOException {
        int n = (int) Math.min(f.byteSize(), maxFrame);
        if (n < f.byteSize()) {
            truncated++;
        }
        int proto = f.byteSize() >= 14 ? Short.toUnsignedInt(f.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 12)) : 0;
        lock.lock();
        try {
            scratch[0] = (byte) ((n + 2) >> 8);
            scratch[1] = (byte) (n + 2);
            scratch[2] = (byte) (proto >> 8);
            scratch[3] = (byte) proto;
            MemorySegment.copy(f, ValueLayout.JAVA_BYTE, 0, scratch, 4, n);
            out.write(scratch, 0, n + 4);
            frames++;
            bytes += n;
        } finally {
            lock.unlock();
        }
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
     * Moves the frames a link receives into this stream until the link closes; a failure closes
     * the socket, which ends the other direction too. Runs on the caller's (platform) thread.
     */
    void pumpFrom(org.tapline.link.Link link, java.net.Socket socket, PuppetLog log) {
        try {
            while (true) {
                int n = link.receive((lt, ts, len, data) -> frame(data), 256, 200);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    flush();
                }
            }
        } catch (IOException e) {
            log.debug(link.name() + " side ended: " + e.getMessage());
            try {
                socket.close();
            } catch (IOException ignored) {
                // ending anyway
            }
        }
    }

    String counters() {
        return frames + " frames, " + bytes + " bytes sent" + (truncated > 0 ? ", " + truncated + " cut to " + maxFrame + " bytes" : "");
    }
}
