package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/**
 * A reused direct write buffer in front of a blocking channel. Records are assembled in the
 * buffer and written to the channel only when the buffer is full or on {@link #drain()}, so
 * writing a packet costs a copy and no allocation.
 */
final class ChannelOutput implements AutoCloseable {
    /** Room for the largest record: 256 KiB of packet data plus a 64 KiB comment and headers. */
    static final int CAPACITY = 384 * 1024;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer;
    private final MemorySegment segment;
    private boolean closed;
    /** Bytes handed to the channel so far. */
    private long drained;

    ChannelOutput(WritableByteChannel channel, ByteOrder order) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocateDirect(CAPACITY).order(order);
        this.segment = MemorySegment.ofBuffer(buffer);
    }

    /** Returns the buffer with at least {@code n} bytes free at its position, draining it first if needed. */
    ByteBuffer reserve(int n) throws IOException {
        ensureOpen();
        if (buffer.remaining() < n) {
            drain();
        }
        return buffer;
    }

    /** Returns the buffer of a writer that has written nothing yet, checking it has room for {@code n} bytes. */
    ByteBuffer reserveFresh(int n) {
        if (buffer.remaining() < n) {
            throw new IllegalStateException("a fresh buffer has no room for " + n + " bytes");
        }
        return buffer;
    }

    /** The buffer, for appending after {@link #reserve(int)}. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Appends {@code data}; the caller has reserved room for it. */
    void put(MemorySegment data) {
        int length = (int) data.byteSize();
        MemorySegment.copy(data, 0, segment, buffer.position(), length);
        buffer.position(buffer.position() + length);
    }

    /** Appends {@code count} zero bytes (padding); the caller has reserved room for them. */
    void zeros(int count) {
        for (int i = 0; i < count; i++) {
            buffer.put((byte) 0);
        }
    }

    /** Writes everything buffered to the channel. */
    void drain() throws IOException {
        ensureOpen();
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                drained += channel.write(buffer);
            }
        } finally {
            buffer.compact();
        }
    }

    /** Bytes written so far, those still in the buffer included (what ftell(3) says of a stdio stream). */
    long size() {
        return drained + buffer.position();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("capture writer is closed");
        }
    }

    /** Drains and closes the channel. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            drain();
        } finally {
            closed = true;
            channel.close();
        }
    }
}
