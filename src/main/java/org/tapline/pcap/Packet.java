package org.tapline.pcap;

import java.lang.foreign.MemorySegment;

/**
 * One packet as a {@link CaptureReader} hands it out: a reusable holder whose contents, like
 * pcap_next_ex's, are valid until the reader's next call.
 */
public final class Packet {
    private long timestampNanos;
    private int originalLength;
    private int interfaceId;
    private int linkType;
    private MemorySegment data = MemorySegment.NULL;

    void set(long timestampNanos, int originalLength, int interfaceId, int linkType, MemorySegment data) {
        this.timestampNanos = timestampNanos;
        this.originalLength = originalLength;
        this.interfaceId = interfaceId;
        this.linkType = linkType;
        this.data = data;
    }

    /** Nanoseconds since the epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }

    public int capturedLength() {
        return (int) data.byteSize();
    }

    /** The length on the wire; larger than {@link #capturedLength()} when the snaplen cut it. */
    public int originalLength() {
        return originalLength;
    }

    /** The pcapng interface the packet came from (0 in pcap files). */
    public int interfaceId() {
        return interfaceId;
    }

    /** LINKTYPE_* of the packet's interface. */
    public int linkType() {
        return linkType;
    }

    /** The captured bytes. */
    public MemorySegment data() {
        return data;
    }
}
