package org.tapline.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * A buffered window over a capture file: {@link #need} makes {@code n} bytes available at the
 * read position, {@link #skip} consumes them. One heap buffer, grown only up to the largest
 * record the limits allow, so reading allocates nothing per packet.
 */
final class ByteSource {
    private final ReadableByteChannel in;
    private final String name;
    private ByteBuffer buf = ByteBuffer.allocate(1 << 18).limit(0);
    private long consumed;

    ByteSource(ReadableByteChannel in, String name) {
        this.in = in;
        this.name = name;
    }

    String name() {
        return name;
    }

    /** File offset of the read position. */
    long offset() {
        return consumed;
    }

    /** Makes {@code n} bytes available at {@link #position()}; false if the file ends first. */
    boolean need(int n) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        if (buf.capacity() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2)).order(buf.order());
            bigger.put(buf).flip();
            buf = bigger;
        } else {
            buf.compact().flip();
        }
        while (buf.remaining() < n) {
            int start = buf.limit();
            buf.position(start).limit(buf.capacity());
            int r = in.read(buf);
            buf.limit(buf.position()).position(0);
            if (r < 0) {
                return false;
            }
        }
        return true;
    }

    /** Like {@link #need} but a short file is an error naming {@code what}. */
    void require(int n, String what) throws IOException {
        if (!need(n)) {
            throw new CaptureFileException(name, consumed,
                    "truncated " + what + " (" + n + " bytes needed, " + buf.remaining() + " present)");
        }
    }

    /** True when no byte is left. */
    boolean atEnd() throws IOException {
        return !need(1);
    }

    ByteBuffer buffer() {
        return buf;
    }

    int position() {
        return buf.position();
    }

    void order(ByteOrder o) {
        buf.order(o);
    }

    ByteOrder order() {
        return buf.order();
    }

    int u16(int at) {
        return Short.toUnsignedInt(buf.getShort(buf.position() + at));
    }

    int i32(int at) {
        return buf.getInt(buf.position() + at);
    }

    void skip(int n) {
        buf.position(buf.position() + n);
        consumed += n;
    }

    void close() throws IOException {
        in.close();
    }
}
