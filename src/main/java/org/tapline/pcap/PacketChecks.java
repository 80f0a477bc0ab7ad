package org.tapline.pcap;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the writers, so both reject the same impossible records. */
final class PacketChecks {
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PacketChecks() {}

    /** Returns the captured length after checking it and the other arguments of a write. */
    static int capturedLength(long timestampNanos, int originalLength, MemorySegment data) {
        long captured = data.byteSize();
        if (captured > PcapFormat.MAX_PACKET) {
            throw new IllegalArgumentException("packet of " + captured + " bytes exceeds the limit of "
                    + PcapFormat.MAX_PACKET + " bytes");
        }
        if (originalLength < captured) {
            throw new IllegalArgumentException("original length " + originalLength
                    + " is less than the captured length " + captured);
        }
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " ns is before 1970");
        }
        return (int) captured;
    }
}
