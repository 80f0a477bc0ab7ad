package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * A reusable read buffer over a blocking channel that tracks file offsets.
 *
 * <p>The buffer holds the bytes of the current record from {@link #position()} to the end of
 * what has been read. {@link #require(int)} reads more as needed and may move bytes to the
 * front (so any index or segment slice taken earlier becomes invalid); it grows the buffer
 * only when a record is larger than the buffer, and callers bound record sizes before asking.
 */
public final class ChannelInput implements AutoCloseable {
    /** Most records fit; the buffer doubles for larger ones (bounded by the callers' limits). */
    static final int INITIAL_CAPACITY = 64 * 1024;

    private final ReadableByteChannel channel;
    private final String name;
    private ByteBuffer buffer;
    private MemorySegment segment;
    private long bufferStartOffset;
    private boolean endOfInput;

    public ChannelInput(ReadableByteChannel channel, String name) {
        this.channel = channel;
        this.name = name;
        this.buffer = ByteBuffer.allocateDirect(INITIAL_CAPACITY).limit(0);
        this.segment = MemorySegment.ofBuffer(buffer.duplicate().clear());
    }

    /** The file name used in error messages. */
    String name() {
        return name;
    }

    /**
     * Makes {@code n} bytes from {@link #position()} available, reading from the channel as
     * needed. Returns the number of bytes available, which is less than {@code n} only at end
     * of input. {@code n} must already be checked against a sane bound; even so the buffer
     * grows only as bytes actually arrive, so a lying length in a short file costs no memory.
     */
    public int require(int n) throws IOException {
        while (buffer.remaining() < n && !endOfInput) {
            if (buffer.limit() == buffer.capacity()) {
                makeRoom(n);
            }
            int pos = buffer.position();
            int end = buffer.limit();
            buffer.limit(buffer.capacity()).position(end);
            int read = channel.read(buffer);
            buffer.limit(buffer.position()).position(pos);
            if (read < 0) {
                endOfInput = true;
            }
        }
        return Math.min(n, buffer.remaining());
    }

    /** Called with a full buffer: moves the partial record to the front, or doubles the buffer. */
    private void makeRoom(int n) {
        int pos = buffer.position();
        if (pos > 0) {
            bufferStartOffset += pos;
            buffer.compact().flip();
            return;
        }
        int capacity = (int) Math.min(n, buffer.capacity() * 2L);
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity).order(buffer.order());
        bigger.put(buffer).flip();
        buffer = bigger;
        segment = MemorySegment.ofBuffer(buffer.duplicate().clear());
    }

    /** Consumes {@code n} bytes, which {@link #require(int)} must have made available. */
    public void advance(int n) {
        buffer.position(buffer.position() + n);
    }

    /** Index in {@link #buffer()} and {@link #segment()} of the first unconsumed byte. */
    public int position() {
        return buffer.position();
    }

    /** File offset of the first unconsumed byte. */
    long offset() {
        return bufferStartOffset + buffer.position();
    }

    /** The buffer; absolute {@code get} methods read in the order set by {@link #order(ByteOrder)}. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** A segment over the whole buffer, valid until the next {@link #require(int)}. */
    public MemorySegment segment() {
        return segment;
    }

    public void order(ByteOrder order) {
        buffer.order(order);
    }

    /** Reads the 32-bit value at {@code relative} bytes past {@link #position()} in the current order. */
    public int int32(int relative) {
        return buffer.getInt(buffer.position() + relative);
    }

    /** Reads the unsigned 16-bit value at {@code relative} bytes past {@link #position()}. */
    public int uint16(int relative) {
        return Short.toUnsignedInt(buffer.getShort(buffer.position() + relative));
    }

    /** Reads the unsigned 32-bit value at {@code relative} bytes past {@link #position()}. */
    long uint32(int relative) {
        return Integer.toUnsignedLong(buffer.getInt(buffer.position() + relative));
    }

    long int64(int relative) {
        return buffer.getLong(buffer.position() + relative);
    }

    byte int8(int relative) {
        return buffer.get(buffer.position() + relative);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
