package org.tapline.puppet;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * A native write buffer in front of a channel: frames are copied once, from wherever they were
 * read into it, and a socket's own channel sends it with no further copy of ours. Not thread
 * safe ({@link Stream} locks).
 */
final class OutBuffer {
    private final WritableByteChannel channel;
    private final ByteBuffer buffer;
    private final MemorySegment segment;

    OutBuffer(WritableByteChannel channel, int capacity) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocateDirect(capacity);
        this.segment = MemorySegment.ofBuffer(buffer);
    }

    OutBuffer(OutputStream out, int capacity) {
        this(Channels.newChannel(out), capacity);
    }

    /** Makes room for {@code n} more bytes, sending what is buffered if needed. */
    private void room(int n) throws IOException {
        if (buffer.remaining() < n) {
            flush();
        }
        if (buffer.remaining() < n) {
            throw new IOException("a " + n + "-byte message is larger than the " + buffer.capacity() + "-byte send buffer");
        }
    }

    void put(byte[] b) throws IOException {
        room(b.length);
        buffer.put(b);
    }

    /** A 4-byte (big-endian) head and {@code body}. */
    void put(int head, MemorySegment body) throws IOException {
        put(head, body, EMPTY);
    }

    /** A 4-byte (big-endian) head, then {@code first} and {@code second}. */
    void put(int head, MemorySegment first, MemorySegment second) throws IOException {
        int n = (int) (first.byteSize() + second.byteSize());
        room(4 + n);
        buffer.putInt(head);
        int p = buffer.position();
        MemorySegment.copy(first, 0, segment, p, first.byteSize());
        MemorySegment.copy(second, 0, segment, p + first.byteSize(), second.byteSize());
        buffer.position(p + n);
    }

    /** Sends everything buffered. */
    void flush() throws IOException {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } finally {
            buffer.clear();
        }
    }

    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);
}
