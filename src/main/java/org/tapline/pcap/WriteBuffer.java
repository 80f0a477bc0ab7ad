package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/** One reused little-endian output buffer in front of a channel, shared by both writers. */
final class WriteBuffer {
    private static final int SIZE = 1 << 18;
    private final WritableByteChannel out;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(SIZE + Limits.MAX_PACKET + 64).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment seg = MemorySegment.ofBuffer(buf);

    WriteBuffer(WritableByteChannel out) {
        this.out = out;
    }

    /** Makes room for {@code n} more bytes, flushing if the buffer is past its soft size. */
    ByteBuffer reserve(int n) throws IOException {
        if (buf.position() + n > buf.capacity() || buf.position() >= SIZE) {
            flush();
        }
        return buf;
    }

    void putData(MemorySegment data) {
        int n = (int) data.byteSize();
        MemorySegment.copy(data, 0, seg, buf.position(), n);
        buf.position(buf.position() + n);
    }

    void pad(int n) {
        for (int i = 0; i < n; i++) {
            buf.put((byte) 0);
        }
    }

    void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    static void checkLength(MemorySegment data) {
        if (data.byteSize() > Limits.MAX_PACKET) {
            throw new IllegalArgumentException("a " + data.byteSize() + "-byte packet exceeds the " + Limits.MAX_PACKET + "-byte limit");
        }
    }
}
