package org.tapline.pcap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** One packet as a test expects to see it. */
record Sample(int interfaceId, long timestampNanos, int originalLength, byte[] data) {
    static final long BASE_NANOS = 1_700_000_000_123_456_789L;
    /** Our experimental EtherType (IEEE 802 local experimental 1), so dissectors leave the payload alone. */
    private static final int ETHERTYPE_EXPERIMENTAL = 0x88B5;
    private static final int ETHERNET_HEADER = 14;

    /** Sizes that matter: 1 byte, minimal and full Ethernet, jumbo, and snapped (caplen < len). */
    static List<Sample> varied(long seed) {
        int[][] lengths = {
                {1, 1}, {14, 14}, {42, 42}, {60, 60}, {64, 64}, {100, 100}, {1514, 1514},
                {9000, 9000}, {96, 1514}, {1514, 65535}, {333, 333}, {9018, 9018}, {1, 60}
        };
        Random random = new Random(seed);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            long time = BASE_NANOS + i * 1_001_234_567L + (i == 3 ? -123_456_789L : 0);
            samples.add(new Sample(0, time, lengths[i][1], ethernet(random, lengths[i][0])));
        }
        return samples;
    }

    /** Random bytes behind an Ethernet header with an experimental EtherType. */
    static byte[] ethernet(Random random, int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        if (length >= ETHERNET_HEADER) {
            data[0] &= (byte) 0xFE; // unicast destination
            data[12] = (byte) (ETHERTYPE_EXPERIMENTAL >> 8);
            data[13] = (byte) ETHERTYPE_EXPERIMENTAL;
        }
        return data;
    }

    Sample withTimestamp(long nanos) {
        return new Sample(interfaceId, nanos, originalLength, data);
    }

    Sample withInterface(int id) {
        return new Sample(id, timestampNanos, originalLength, data);
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(data);
    }

    /** A packet read back, copied out of the reader's buffer. */
    static Sample of(Packet p) {
        return new Sample(p.interfaceId(), p.timestampNanos(), p.originalLength(),
                p.data().toArray(ValueLayout.JAVA_BYTE));
    }

    /** Reads every packet of a file with our reader. */
    static List<Sample> readAll(java.nio.file.Path file) throws java.io.IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            return readAll(r);
        }
    }

    static List<Sample> readAll(CaptureReader r) throws java.io.IOException {
        List<Sample> read = new ArrayList<>();
        for (Packet p; (p = r.next()) != null; ) {
            read.add(of(p));
        }
        return read;
    }

    /** Seconds with nine decimals, as tshark prints frame.time_epoch and tcpdump --nano prints times. */
    static String epoch(long nanos) {
        return String.format("%d.%09d", Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    String hex() {
        return HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && s.interfaceId == interfaceId && s.timestampNanos == timestampNanos
                && s.originalLength == originalLength && java.util.Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timestampNanos) * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Sample[if=" + interfaceId + ", ts=" + epoch(timestampNanos) + ", len=" + originalLength
                + ", caplen=" + data.length + ", data=" + (data.length > 16 ? hex().substring(0, 32) + "..." : hex()) + "]";
    }
}
