package org.tapline.rpcap;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Writes PACKET messages back to back into one reusable buffer, so a batch of captured packets
 * leaves in one large write. The length is the true 32-bit {@code plen} (the reference cuts it
 * to 16 bits, Q1).
 * <pre>
 *  header (8) | ts sec (4) | ts usec (4) | caplen (4) | len (4) | npkt (4) | data (caplen)
 * </pre>
 */
public final class PacketFramer {
    public static final int PKTHDR = 20;
    public static final int OVERHEAD = Rpcap.HEADER + PKTHDR;

    private final ByteBuffer buf;
    private final MemorySegment seg;

    /** {@code buffer} must be able to hold the largest message: {@link #OVERHEAD} + snaplen. */
    public PacketFramer(ByteBuffer buffer) {
        this.buf = buffer;
        this.seg = MemorySegment.ofBuffer(buffer);
    }

    public ByteBuffer buffer() {
        return buf;
    }

    /** True when a packet of {@code caplen} bytes still fits. */
    public boolean fits(long caplen) {
        return buf.remaining() >= OVERHEAD + caplen;
    }

    /** Appends one PACKET message. */
    public void add(long timestampNanos, int originalLength, long npkt, MemorySegment data) {
        int caplen = (int) data.byteSize();
        long sec = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long usec = Math.floorMod(timestampNanos, 1_000_000_000L) / 1_000L;
        new RpcapHeader(Rpcap.VERSION, Rpcap.MSG_PACKET, 0, PKTHDR + (long) caplen).emitTo(buf);
        buf.putInt((int) sec).putInt((int) usec).putInt(caplen).putInt(originalLength).putInt((int) npkt);
        MemorySegment.copy(data, 0, seg, buf.position(), caplen);
        buf.position(buf.position() + caplen);
    }
}
