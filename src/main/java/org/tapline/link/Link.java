package org.tapline.link;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Something frames flow in and out of: a TAP, a live interface, a capture file, a remote
 * interface. See docs/ARCHITECTURE.md, "Frames flow between links".
 *
 * <p>One thread receives, another may send at the same time; {@link #close} may be called from
 * any thread and makes a blocked {@link #receive} return -1.
 */
public interface Link extends AutoCloseable {
    /** A short name for messages ("tap0", "eth0 (pcap)", "trace.pcap"). */
    String name();

    /** The LINKTYPE_/DLT_ value of the frames this link carries (1 = Ethernet). */
    int linkType();

    /** The largest frame payload (IP MTU for Ethernet) the link carries. */
    int mtu();

    /** The link's hardware (MAC) address, or an empty array if it has none. */
    byte[] hardwareAddress() throws IOException;

    /**
     * Clears {@code batch} and fills it with the frames that are ready, waiting up to
     * {@code timeoutMillis} (-1: without limit) for the first one.
     *
     * @return the number of frames, 0 on timeout, -1 when the link is closed or at its end
     */
    int receive(FrameBatch batch, int timeoutMillis) throws IOException;

    /**
     * Hands the frames that are ready (at most {@code maxFrames}) to {@code sink}, waiting up to
     * {@code timeoutMillis} (-1: without limit) for the first. Each frame is valid only during
     * its {@code accept} call: links that can (libpcap's ring) deliver without copying.
     *
     * @return the number of frames, 0 on timeout, -1 when the link is closed or at its end
     */
    int receive(FrameSink sink, int maxFrames, int timeoutMillis) throws IOException;

    /** Sends one frame. */
    void send(MemorySegment frame) throws IOException;

    /** Sends every frame of the batch, in order. */
    default void send(FrameBatch batch) throws IOException {
        for (int i = 0; i < batch.size(); i++) {
            send(batch.frame(i));
        }
    }

    /** Idempotent. */
    @Override
    void close();
}
