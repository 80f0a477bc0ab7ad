package org.tapline.pcap;

import java.lang.foreign.MemorySegment;

/**
 * One packet record, filled in place by a {@link CaptureReader}.
 *
 * <p>A reader owns one {@code Packet} and refills it on every {@link CaptureReader#next()}
 * call, the way {@code pcap_next_ex} reuses its header and data pointers: the values and the
 * bytes of {@link #data()} are valid only until the reader's next call to {@code next()} or
 * {@code close()}. Copy the segment (e.g. into a pooled buffer) before handing it to another
 * thread or keeping it.
 */
public final class Packet {
    private long timestampNanos;
    private int capturedLength;
    private int originalLength;
    private int interfaceId;
    private int linkType;
    private MemorySegment buffer = MemorySegment.NULL;
    private long dataOffset;

    Packet() {}

    void set(long timestampNanos, int capturedLength, int originalLength, int interfaceId, int linkType,
             MemorySegment buffer, long dataOffset) {
        this.timestampNanos = timestampNanos;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.interfaceId = interfaceId;
        this.linkType = linkType;
        this.buffer = buffer;
        this.dataOffset = dataOffset;
    }

    /** Capture time in nanoseconds since 1970-01-01T00:00:00Z. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Number of bytes present in the file, which is {@code data().byteSize()}. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Length of the packet on the wire; at least {@link #capturedLength()} in well-formed files. */
    public int originalLength() {
        return originalLength;
    }

    /**
     * Index of the packet's interface in {@link CaptureReader#interfaces()}; always 0 for pcap.
     * For pcapng files with several sections this index counts interfaces across all sections.
     */
    public int interfaceId() {
        return interfaceId;
    }

    /** The {@link LinkType} of the packet's interface. */
    public int linkType() {
        return linkType;
    }

    /**
     * The captured bytes, exactly {@link #capturedLength()} long, read-only by contract. The
     * segment is a view into the reader's buffer: valid until the reader's next call. Each call
     * creates a small view object (no copy), so call it once per packet on hot paths.
     */
    public MemorySegment data() {
        return buffer.asSlice(dataOffset, capturedLength);
    }

    @Override
    public String toString() {
        return "Packet[ts=" + timestampNanos + "ns, caplen=" + capturedLength + ", len=" + originalLength
                + ", if=" + interfaceId + ", " + LinkType.name(linkType) + "]";
    }
}
